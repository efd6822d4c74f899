/**
 * Flyway's ${name} placeholders: values from the config's "placeholders" (matched case-insensitively, as Flyway
 * does) and the built-in ${flyway:...} ones whose value is known without a database connection.
 */
import { MigrationError } from '../errors';

const PLACEHOLDER = /\$\{([^{}\r\n]+)\}/g;

export interface PlaceholderContext {
  /** Values from the config's "placeholders". */
  values: Record<string, string>;
  /** The script's file name (Flyway's ${flyway:filename}). */
  baseName: string;
  /** The history table, for ${flyway:defaultSchema} and ${flyway:table}. */
  history: { schema: string; table: string };
  /** Repeatable scripts may use ${flyway:timestamp} (they then run on every --up, as in Flyway). */
  repeatable: boolean;
}

/** Built-in placeholders that depend on the connection or the run: unknown while the files are read. */
const RUN_TIME: Record<string, string> = {
  'flyway:user': 'the user the migration connects as',
  'flyway:database': 'the database name in the connection URL',
  'flyway:environment': 'the environment the run targets',
  'flyway:workingdirectory': 'the working directory of the run',
};

function timestamp(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
}

/** The value of one placeholder, or a MigrationError naming the file, the line and the config key to set. */
function valueOf(name: string, ctx: PlaceholderContext, lowered: Map<string, string>, file: string, line: number): string {
  const key = name.toLowerCase();
  const configured = lowered.get(key);
  if (configured !== undefined) return configured;
  if (key === 'flyway:filename') return ctx.baseName;
  if (key === 'flyway:table') return ctx.history.table;
  if (key === 'flyway:defaultschema') return ctx.history.schema;
  if (key === 'flyway:timestamp') {
    if (ctx.repeatable) return timestamp(new Date());
    throw new MigrationError('E_UNKNOWN_PLACEHOLDER',
      '${flyway:timestamp} in a versioned migration: its value changes on every read, so the migration would show as modified on every status',
      'use it only in a repeatable (R__) script, where it makes the script run on every --up, or set "placeholders": {"flyway:timestamp": "..."} in database-migration.config.json for a fixed value',
      { file, line });
  }
  const runTime = RUN_TIME[key];
  if (runTime) {
    throw new MigrationError('E_UNKNOWN_PLACEHOLDER',
      `\${${name}} is Flyway's placeholder for ${runTime}, which is not known when migration files are read (their checksums must not depend on the run)`,
      `set "placeholders": {"${name}": "..."} in database-migration.config.json to give it a fixed value, or write the value in the file`,
      { file, line });
  }
  if (key.startsWith('flyway:')) {
    throw new MigrationError('E_UNKNOWN_PLACEHOLDER', `\${${name}} is not one of Flyway's built-in placeholders`,
      `the built-ins known here are flyway:filename, flyway:table, flyway:defaultSchema and flyway:timestamp; set "placeholders": {"${name}": "..."} in database-migration.config.json to give it a value`,
      { file, line });
  }
  throw new MigrationError('E_UNKNOWN_PLACEHOLDER', `no value for placeholder \${${name}}`,
    `set "placeholders": {"${name}": "..."} in database-migration.config.json (Flyway's flyway.placeholders.${name})`, { file, line });
}

/** `text` with every ${name} replaced; lines are counted in the text as written. */
export function replacePlaceholders(text: string, file: string, ctx: PlaceholderContext): string {
  if (text.indexOf('${') === -1) return text;
  const lowered = new Map(Object.entries(ctx.values).map(([k, v]) => [k.toLowerCase(), v]));
  return text.replace(PLACEHOLDER, (_match, name: string, offset: number) => {
    const line = text.slice(0, offset).split('\n').length;
    return valueOf(name.trim(), ctx, lowered, file, line);
  });
}
