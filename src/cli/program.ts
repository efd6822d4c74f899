/** The command line: flags, help text and exit codes (one source for --help and the README). */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from '../core/errors';
import { packageVersion } from '../core/package-root';

export interface CliOptions {
  create?: boolean;
  up?: boolean;
  down?: boolean;
  seed?: boolean | string;
  status?: boolean;
  history?: boolean;
  markApplied?: string;
  markRolledBack?: string;
  baseline?: string;
  repairChecksum?: string;
  importHistory?: boolean | string;
  convert?: boolean;
  out?: string;
  listTemplates?: boolean;
  lint?: boolean | string[];
  listRules?: boolean;
  backup?: boolean;
  cache?: boolean;
  backups?: boolean;
  restore?: string;
  dryRun?: boolean;
  singleTransaction?: boolean;
  reset?: boolean;
  scale?: number;
  refreshViews?: boolean | string[];
  partitions?: boolean | string;
  perf?: boolean;
  graph?: boolean | string;
  verify?: boolean | string;
  format?: 'text' | 'json' | 'sarif' | 'gcc';
  to?: string;
  steps?: number;
  env?: string;
  config?: string;
  url?: string[];
  parallel?: number;
  canary?: number;
  onFailure?: 'stop' | 'continue';
  envFile?: string[];
  json?: boolean;
  yes?: boolean;
  template?: string;
  allowDrift?: boolean;
  drift?: boolean;
  schemaDump?: boolean | string;
  checkSchemaDump?: boolean | string;
  generate?: string;
  lsp?: boolean;
  stdio?: boolean;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  a migration or seed failed (it was rolled back)
  2  usage or configuration error, bad migration file, refused action, a file
     or directory that cannot be read or written, or a role lacking privileges
     on the history tables
  3  the migration lock is held by another run
  4  drift: a migration changed after it was applied, is missing, dirty or out of
     order; the live schema differs from the applied migrations (--drift); the
     schema dump is stale (--check-schema-dump)
  5  cannot connect to the database (unreachable, authentication, no such database)
  6  --lint found error-severity problems
  7  a backup or restore failed (nothing was migrated or restored)

Fleets (many databases or tenant schemas): an environment with "targets", or
  several --url. --up, --down, --status, --verify and --drift run on every
  target, each with its own lock, history, backups and log
  (.migrations/fleet/<env>/); exit code 1 when any target failed. One --url
  picks a single database instead. See docs/fleet.md.

Database selection (first match wins):
  --url, then the --env environment's "url" in the config, then DATABASE_URL,
  then the default environment's "url", else the embedded PGlite database in
  .migrations/pglite/<environment>. DATABASE_URL, DATABASE_MIGRATION_ENV and
  \${env:VAR} in the config may come from .env in the project folder (or
  --env-file); variables already set in the environment win.

Examples:
  database-migration create_space_objects --create --template create-table
  database-migration --up
  database-migration --down --steps 2
  database-migration --status --json
  database-migration --seed --env development
  database-migration --seed 001_synthetic_users.sql
  database-migration --import-history flyway --dry-run
  database-migration --convert --to native --out migrations-native`;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CommanderError(ExitCode.UsageOrConfig, 'E_USAGE', `expected a whole number (0 or more), got "${value}"`);
  return n;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CommanderError(ExitCode.UsageOrConfig, 'E_USAGE', `expected a positive whole number, got "${value}"`);
  return n;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('database-migration')
    .description('PostgreSQL migrations: create, apply, roll back, seed and inspect.')
    .usage('[MigrationName] --create | --up | --down | --seed | --status [options]')
    .argument('[MigrationName]', 'name for --create; target migration for --up (up to it) and --down (down to and including it)')
    .option('--create', 'create migrations/NNN_<name>.sql from a template')
    .option('--up', 'apply pending migrations (all, or up to MigrationName / --to / --steps)')
    .option('--down', 'roll back the most recently applied migration (or --steps N, --to VERSION, or down to MigrationName), newest application first')
    .option('--seed [file]', 'load the sample data ("sampleDataDir") and every seeds/*.sql in one transaction, and record it; with FILE (a seed\'s name or path): only that seed file')
    .option('--reset', 'with --seed: empty the sample-data tables first, then reload')
    .option('--scale <rows>', 'with --seed: also append synthetic rows with COPY: for each table under the config\'s "seed.scale.tables", ROWS × its "perScale" (or its fixed "rows"); without that section, ROWS observation and API-log rows of the example schema', parsePositiveInt)
    .option('--status', 'show each migration: version, name, state, applied at, duration')
    .option('--history', 'show the log of ups, downs, seeds and failures')
    .option('--drift', 'compare the live schema with the applied migrations replayed on an embedded PostgreSQL: tables, columns, defaults, constraints, indexes, views, functions, triggers, sequences, types, extensions, policies, grants (exit 4 on a difference)')
    .option('--schema-dump [file]', 'write the schema the migrations build as SQL (default: "shadow.schemaDump", else schema.sql), stable for code review')
    .option('--check-schema-dump [file]', 'fail (exit 4) when the schema dump file is not what the migrations build')
    .option('--generate <name>', 'write migrations/NNN_<name>.sql that brings the history to the live schema (its drift: changes made by hand), linted as it is written')
    .option('--mark-applied <version>', 'after checking by hand, record a dirty migration as applied')
    .option('--mark-rolled-back <version>', 'after checking by hand, record a dirty migration as not applied')
    .option('--baseline <version>', 'adopt an existing database: record migrations up to VERSION as applied without running them')
    .option('--repair-checksum <version>', 'accept an intentionally edited applied migration (record its new checksum)')
    .option('--import-history [tool]', 'adopt a database another tool migrated: record what its history table says is applied (golang-migrate, dbmate, flyway, node-pg-migrate, sqitch; default: the project\'s format, else the table found; TOOL:SCHEMA.TABLE names another place), leaving that table untouched')
    .option('--convert', 'with --to native: write every migration, in any format, as a native NNN_name.sql file into a new folder (--out), originals untouched')
    .option('--out <dir>', 'with --convert: the new folder (default: migrations-native)')
    .addOption(new Option('--graph [format]', 'with --status: print the dependency graph (declared and inferred from the SQL)').choices(['text', 'mermaid']))
    .option('--single-transaction', 'with --up: apply all pending migrations in one transaction (all or nothing)')
    .option('--dry-run', 'with --up/--down/--seed/--partitions maintain: run inside a transaction and roll back, reporting what it would do')
    .option('--verify [version]', 'check that each pending migration\'s down undoes its up (all in a rolled-back transaction); with --up: refuse to apply when it does not')
    .option('--refresh-views [views...]', 'refresh materialized views (CONCURRENTLY where possible) in dependency order')
    .addOption(new Option('--partitions [action]', 'show partitioned tables, or "maintain": create upcoming monthly partitions and detach expired ones (config "partitions")').choices(['show', 'maintain']))
    .option('--perf', 'query performance: top statements (pg_stat_statements, else slow migration statements), index usage, table bloat')
    .option('--backup', 'back up the database now (pg_dump, or PGlite\'s dump for the embedded database)')
    .option('--no-backup', 'with --up/--down: skip the automatic backup (recorded in the log)')
    .option('--backups', 'list the backups of the environment')
    .option('--restore <id>', 'restore a backup ("latest" or an id from --backups), after confirmation')
    .option('--lint [paths...]', 'lint SQL files or directories with the PostgreSQL parser (default: the migrations directory)')
    .option('--no-cache', 'with --lint or --status: read every file again, without reading or writing .migrations/lint-cache.json or status-cache.json')
    .option('--list-templates', 'list the templates --create can use')
    .option('--list-rules', 'list the lint rules with their severity')
    .option('--lsp', 'serve the linter to editors over the Language Server Protocol on stdin/stdout (diagnostics, quick fixes, rule docs on hover, table and column completions)')
    .option('--stdio', 'with --lsp: accepted, as editors pass it (stdio is the only transport of --lsp)')
    .option('--to <version>', '--up: apply up to and including VERSION; --down: roll back everything applied after VERSION (0 = all); --convert: the format (native)')
    .option('--steps <n>', 'number of migrations to apply or roll back', parsePositiveInt)
    .option('--env <name>', 'environment from the config file (default: "defaultEnvironment", else development)')
    .option('--config <path>', 'config file (default: ./database-migration.config.json)')
    .option('--url <url>', 'connect to this PostgreSQL URL instead of the configured one; given several times (with --up, --down, --status, --verify, --drift): a fleet of those databases', collect)
    .option('--parallel <n>', 'fleet: migrate N targets at once (default: "targets.parallel", else 4)', parsePositiveInt)
    .option('--canary <n>', 'fleet, with --up: apply to N targets first and check them before the rest (0: none)', parseCount)
    .addOption(new Option('--on-failure <policy>', 'fleet: when a target fails, start no more (stop) or go on with the others (continue); default "targets.onFailure", else stop').choices(['stop', 'continue']))
    .option('--env-file <path>', 'read variables from this file instead of the project\'s .env (repeatable; set variables win)', collect)
    .option('--template <name>', 'template for --create (default: blank)')
    .option('--allow-drift', 'with --up: apply pending migrations even though an applied one was modified or its file is missing')
    .option('--json', 'print machine-readable JSON')
    .addOption(new Option('--format <format>', 'output format for --lint').choices(['text', 'json', 'sarif', 'gcc']).default('text'))
    .option('-y, --yes', 'do not ask for confirmation on protected environments')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXIT_CODES_HELP)
    .helpCommand(false)
    // A fixed width keeps --help identical on every terminal, and in the README.
    .configureHelp({ helpWidth: 80 })
    .showSuggestionAfterError(true);
  return program;
}
