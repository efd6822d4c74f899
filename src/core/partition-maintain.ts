/**
 * Monthly range partitions kept ahead of time and within retention ("partitions" in the config), in the
 * caller's one transaction. Bounds are computed in the key's type and a named time zone, never the
 * session's; new partitions follow the table's naming scheme; rows the DEFAULT partition already holds for
 * a new month are moved into it; partitions past retention are detached, or backed up and dropped.
 */
import type { PartitionPolicy } from './config';
import type { Session } from './db/database';
import { MigrationError } from './errors';
import { quoteIdent } from './history';
import { backUpPartition } from './partition-backup';
import { addMonths, currentMonth, monthStarts, monthZone, namingScheme, partitionName, readTableFacts, type TableFacts } from './partition-facts';
import { partmanHandover, readPartman, type Partman } from './partman';

export interface PartitionChange {
  table: string;
  action: 'created' | 'detached' | 'dropped';
  partition: string;
  bound: string;
  /** Rows moved out of the DEFAULT partition into the new one. */
  rowsMoved?: number;
  /** The DEFAULT partition they came from. */
  movedFrom?: string;
  /** Where a dropped partition was backed up first. */
  backup?: string;
}

/** Something maintenance left alone or wants the reader to know; report/partitions.ts words it. */
export type PartitionNote =
  | { kind: 'overlap'; table: string; partition: string; month: string; existing: string[] }
  | { kind: 'partman-managed'; table: string; version: string }
  | { kind: 'partman-available'; table: string; version: string; handover: string };

export interface PartitionMaintenance {
  changes: PartitionChange[];
  notes: PartitionNote[];
}

export interface MaintainOptions {
  now?: Date;
  /** Directory for the backups of partitions about to be dropped (null: a dry run, which saves none). */
  backupDir: string | null;
}

/** Resolves a configured name to a range-partitioned table, or says which real ones there are. */
async function resolveTable(session: Session, label: string): Promise<{ schema: string; name: string }> {
  const [schema, name] = label.includes('.') ? label.split('.', 2) as [string, string] : ['public', label];
  const r = await session.query<{ strategy: string }>(
    `SELECT p.partstrat::text AS strategy FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`, [schema, name]);
  if (!r.rows[0]) {
    const real = await rangePartitionedTables(session);
    throw new MigrationError('E_CONFIG_INVALID', `"partitions.${label}" names a table that is not partitioned (or does not exist)`,
      real.length ? `range-partitioned tables here: ${real.slice(0, 5).join(', ')}` : 'there are no range-partitioned tables in this database yet: create the table PARTITION BY RANGE first');
  }
  if (r.rows[0].strategy !== 'r') {
    throw new MigrationError('E_CONFIG_INVALID', `"partitions.${label}" is partitioned by ${r.rows[0].strategy === 'l' ? 'list' : 'hash'}; only monthly RANGE partitions are maintained`,
      'remove it from "partitions" in the config');
  }
  return { schema, name };
}

/** Range-partitioned tables (schema-qualified unless public), for hints. */
export async function rangePartitionedTables(session: Session): Promise<string[]> {
  const r = await session.query<{ t: string }>(
    `SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END AS t
       FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE p.partstrat = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND NOT c.relispartition ORDER BY 1`);
  return r.rows.map((x) => x.t);
}

export async function maintainPartitions(session: Session, policies: Record<string, PartitionPolicy>, options: MaintainOptions): Promise<PartitionMaintenance> {
  const out: PartitionMaintenance = { changes: [], notes: [] };
  const partman = await readPartman(session);
  for (const [label, policy] of Object.entries(policies)) {
    const { schema, name } = await resolveTable(session, label);
    const table = schema === 'public' ? name : `${schema}.${name}`;
    if (partman?.managed.includes(`${schema}.${name}`)) {
      out.notes.push({ kind: 'partman-managed', table, version: partman.version });
      continue;
    }
    const facts = await readTableFacts(session, schema, name, label);
    if (partman) out.notes.push({ kind: 'partman-available', table, version: partman.version, handover: partmanHandover(partman, facts) });
    await premake(session, facts, table, policy, options.now ?? new Date(), out);
    if (policy.retentionMonths !== undefined) await retire(session, facts, table, policy, options, out.changes);
  }
  return out;
}

/** Creates this month and `premakeMonths` more, where no partition covers them. */
async function premake(session: Session, facts: TableFacts, table: string, policy: PartitionPolicy, now: Date, out: PartitionMaintenance): Promise<void> {
  const zone = await monthZone(session, facts, policy.timeZone);
  const scheme = await namingScheme(session, facts, zone);
  const first = await currentMonth(session, now, zone);
  const months = Array.from({ length: (policy.premakeMonths ?? 3) + 2 }, (_, i) => addMonths(first, i));
  const starts = await monthStarts(session, facts, months, zone);
  for (let i = 0; i + 1 < months.length; i++) {
    const from = starts[i]!;
    const to = starts[i + 1]!;
    const lo = (p: { from: number | null }) => p.from ?? -Infinity;
    const hi = (p: { to: number | null }) => p.to ?? Infinity;
    if (facts.partitions.some((p) => lo(p) <= from.at && hi(p) >= to.at)) continue;
    const part = partitionName(scheme, months[i]!);
    const overlapping = facts.partitions.filter((p) => lo(p) < to.at && hi(p) > from.at);
    if (overlapping.length) {
      out.notes.push({ kind: 'overlap', table, partition: part, month: `${months[i]!.year}-${String(months[i]!.month).padStart(2, '0')}`, existing: overlapping.map((p) => p.name) });
      continue;
    }
    const bound = `FROM ('${from.literal}') TO ('${to.literal}')`;
    const moved = await createMonth(session, facts, part, bound, from.literal, to.literal);
    facts.partitions.push({ name: part, bound: `FOR VALUES ${bound}`, from: from.at, to: to.at });
    out.changes.push({ table, action: 'created', partition: part, bound, ...(moved ? { rowsMoved: moved, movedFrom: facts.defaultPartition! } : {}) });
  }
}

/**
 * CREATE TABLE ... PARTITION OF. When the DEFAULT partition holds rows of the new month, PostgreSQL refuses
 * to attach it; so, in the same transaction: detach DEFAULT, create the month, move its rows over through
 * the parent, delete them from DEFAULT, attach DEFAULT again. DETACH holds ACCESS EXCLUSIVE on the parent
 * until the transaction ends: readers and writers of the table wait while the rows move. Returns the rows moved.
 */
async function createMonth(session: Session, facts: TableFacts, part: string, bound: string, from: string, to: string): Promise<number> {
  const target = `${quoteIdent(facts.schema)}.${quoteIdent(part)}`;
  const create = `CREATE TABLE ${target} PARTITION OF ${facts.parent} FOR VALUES ${bound}`;
  if (!facts.defaultPartition) { await session.exec(create); return 0; }
  const dflt = `${quoteIdent(facts.schema)}.${quoteIdent(facts.defaultPartition)}`;
  const inMonth = `${quoteIdent(facts.keyColumn)} >= '${from}'::${facts.keyType} AND ${quoteIdent(facts.keyColumn)} < '${to}'::${facts.keyType}`;
  const n = Number((await session.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${dflt} WHERE ${inMonth}`)).rows[0]?.n ?? 0);
  if (n === 0) { await session.exec(create); return 0; }
  const cols = (await session.query<{ c: string }>(
    `SELECT quote_ident(attname) AS c FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [facts.parent])).rows.map((r) => r.c).join(', ');
  await session.exec(`ALTER TABLE ${facts.parent} DETACH PARTITION ${dflt}`);
  await session.exec(create);
  await session.exec(`INSERT INTO ${facts.parent} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM ${dflt} WHERE ${inMonth}`);
  await session.exec(`DELETE FROM ${dflt} WHERE ${inMonth}`);
  await session.exec(`ALTER TABLE ${facts.parent} ATTACH PARTITION ${dflt} DEFAULT`);
  return n;
}

/** Detaches (or backs up and drops) partitions that end before the start of the month `retentionMonths` ago. */
async function retire(session: Session, facts: TableFacts, table: string, policy: PartitionPolicy, options: MaintainOptions, changes: PartitionChange[]): Promise<void> {
  const zone = await monthZone(session, facts, policy.timeZone);
  const cutoff = (await monthStarts(session, facts, [addMonths(await currentMonth(session, options.now ?? new Date(), zone), -policy.retentionMonths!)], zone))[0]!.at;
  for (const p of facts.partitions) {
    if (p.to === null || p.to > cutoff) continue;
    const qualified = `${quoteIdent(facts.schema)}.${quoteIdent(p.name)}`;
    await session.exec(`ALTER TABLE ${facts.parent} DETACH PARTITION ${qualified}`);
    const bound = p.bound.replace(/^FOR VALUES /, '');
    if (policy.retentionAction === 'drop') {
      // Read inside this transaction, after DETACH: the backup holds exactly the rows being dropped.
      const backup = options.backupDir ? await backUpPartition(session, facts, p, options.backupDir) : undefined;
      await session.exec(`DROP TABLE ${qualified}`);
      changes.push({ table, action: 'dropped', partition: p.name, bound, ...(backup ? { backup } : {}) });
    } else {
      changes.push({ table, action: 'detached', partition: p.name, bound });
    }
  }
}

export type { Partman };
