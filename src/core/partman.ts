/**
 * pg_partman, when the server has it installed in this database: which tables it already manages (monthly
 * maintenance leaves them to it) and the call that hands another table over to it.
 */
import type { Session } from './db/database';
import { quoteIdent } from './history';
import type { TableFacts } from './partition-facts';

export interface Partman {
  version: string;
  /** The schema the extension lives in (usually "partman"). */
  schema: string;
  /** Parent tables in partman's part_config, as schema.table. */
  managed: string[];
}

export async function readPartman(session: Session): Promise<Partman | null> {
  const ext = await session.query<{ version: string; schema: string }>(
    `SELECT e.extversion AS version, n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_partman'`);
  const e = ext.rows[0];
  if (!e) return null;
  const managed = await session.query<{ t: string }>(`SELECT parent_table AS t FROM ${quoteIdent(e.schema)}.part_config`).catch(() => ({ rows: [] as { t: string }[] }));
  return { version: e.version, schema: e.schema, managed: managed.rows.map((r) => r.t) };
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The create_parent call for monthly partitions on the table's key, in the form this pg_partman version takes. */
export function partmanHandover(partman: Partman, facts: TableFacts): string {
  const fn = `${quoteIdent(partman.schema)}.create_parent`;
  const table = literal(`${facts.schema}.${facts.name}`);
  const col = literal(facts.keyColumn);
  return Number(partman.version.split('.')[0]) >= 5
    ? `SELECT ${fn}(p_parent_table => ${table}, p_control => ${col}, p_interval => '1 month');`
    : `SELECT ${fn}(p_parent_table => ${table}, p_control => ${col}, p_type => 'native', p_interval => 'monthly');`;
}
