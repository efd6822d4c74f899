/**
 * --import-history: records as applied, in our history table, the migrations another tool (golang-migrate,
 * dbmate, Flyway, node-pg-migrate, Sqitch) applied to this database, read from that tool's own table, which is
 * only read, never changed. One transaction under the migration lock, like --baseline; running it again
 * records nothing; a history of ours that disagrees is refused, naming each disagreement.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withTransaction, type EngineContext } from '../context';
import type { Session } from '../db/database';
import { MigrationError } from '../errors';
import { resolveFormat } from '../formats';
import type { HistoryRow } from '../history';
import { migrationId, type MigrationFile } from '../migration-file';
import { normaliseVersion } from '../planner';
import { interpretToolRows, type ToolApplied } from './tool-history';
import { assertToolTable, DEFAULT_TABLES, detectToolTables, isImportTool, parseToolSpec, readToolRows, tableLabel, type ImportTool, type ToolTable } from './tools';

export interface ImportOptions {
  /** What --import-history was given: "flyway", "flyway:SCHEMA.TABLE"; absent: the project's format, else the table found. */
  tool?: string;
  dryRun?: boolean;
}

/** One migration as the import records it (or would, or found already recorded). */
export interface ImportedMigration {
  version: string;
  name: string;
  id: string;
  /** The migration file it matched, or null: recorded without one (status shows it missing). */
  file: string | null;
  /** What --status will show for it. */
  state: 'applied' | 'dirty' | 'missing' | 'modified' | 'outdated';
  checksum: string;
  appliedAt: string | null;
  appliedBy: string;
  durationMs: number | null;
  /** Why it is not plainly applied (dirty, missing file, changed file), else null. */
  reason: string | null;
  /** Where in the tool's table it came from. */
  source: string;
}

export interface ImportResult {
  tool: ImportTool;
  /** The tool's table, schema-qualified. */
  table: string;
  dryRun: boolean;
  /** The batch the rows were recorded in (null: nothing recorded). */
  batch: number | null;
  recorded: ImportedMigration[];
  alreadyRecorded: ImportedMigration[];
}

interface Planned {
  shown: ImportedMigration;
  row: Omit<HistoryRow, 'appliedAt' | 'batch'> & { appliedAt: Date | null };
}

export async function importHistory(ctx: EngineContext, options: ImportOptions = {}): Promise<ImportResult> {
  const files = ctx.migrations();
  const run = async (session: Session): Promise<ImportResult> => {
    const where = await resolveToolTable(ctx, session, options.tool);
    await assertToolTable(session, where);
    const applied = interpretToolRows(await readToolRows(session, where), files, { readRaw: (f) => readRaw(ctx, f), sqitchProject: sqitchProject(ctx) });
    const planned = applied.map((a) => plan(ctx, where, a));
    const existing = await ctx.store.read(session, { withDownSql: false });
    const { fresh, already } = compareWithHistory(ctx, where, planned, existing);
    const result: ImportResult = { tool: where.tool, table: tableLabel(where), dryRun: !!options.dryRun, batch: null,
      recorded: fresh.map((p) => p.shown), alreadyRecorded: already.map((p) => p.shown) };
    if (options.dryRun || fresh.length === 0) return result;
    ctx.assertMayChange('importHistory');
    await ctx.store.ensure(session);
    const batch = await ctx.store.nextBatch(session);
    await withTransaction(session, async () => {
      for (const p of fresh) {
        await ctx.store.insertImported(session, { ...p.row, batch });
        await ctx.audit(session, { action: 'import', version: p.row.version, name: p.row.name, success: true,
          message: `imported from ${where.tool} (${p.shown.source})${p.shown.reason ? `: ${p.shown.reason}` : ''}` });
      }
    });
    return { ...result, batch };
  };
  return options.dryRun ? ctx.withSession(run) : ctx.withLock(run);
}

/** The table to import: the one named, else the project's format's, else the only tool table in the database. */
async function resolveToolTable(ctx: EngineContext, session: Session, spec: string | undefined): Promise<ToolTable> {
  if (spec !== undefined && spec !== '') return parseToolSpec(spec);
  const format = resolveFormat(ctx.config.migrationsDir, ctx.config.format).name;
  if (isImportTool(format)) return { tool: format, ...DEFAULT_TABLES[format] };
  const found = await detectToolTables(session);
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new MigrationError('E_IMPORT_NO_TABLE', 'no other tool\'s history table found in this database (looked for schema_migrations, flyway_schema_history, pgmigrations, sqitch.changes)',
      'check the environment (--env / --url), or name the tool and where its table is: --import-history TOOL:SCHEMA.TABLE');
  }
  throw new MigrationError('E_IMPORT_AMBIGUOUS', `this database holds the history tables of ${found.length} tools: ${found.map((f) => `${f.tool} (${tableLabel(f)})`).join(', ')}`,
    `name the one to import: --import-history ${found.map((f) => f.tool).join(' or --import-history ')}`);
}

function plan(ctx: EngineContext, where: ToolTable, a: ToolApplied): Planned {
  const f = a.file;
  const id = migrationId(a);
  let state: ImportedMigration['state'] = 'applied';
  let checksum = f?.checksum ?? `${where.tool}:no-file`;
  const reasons: string[] = [];
  if (!f) {
    state = 'missing';
    reasons.push(`no file for it in ${path.relative(ctx.config.root, ctx.config.migrationsDir) || '.'}: recorded so --status shows it missing`);
  } else if (a.checksumMatches === false) {
    // Never our SHA-256 of the file: --status reports it modified (a repeatable one outdated: --up applies it again).
    checksum = `${where.tool}:${a.toolChecksum}`;
    state = f.repeatable ? 'outdated' : 'modified';
    reasons.push(`the file changed since ${where.tool} applied it (${where.tool}'s checksum ${a.toolChecksum} does not match the file)`);
  }
  if (a.dirty) {
    state = 'dirty';
    reasons.unshift(a.dirtyReason ?? `dirty in ${where.tool}`);
  }
  const error = a.dirty ? `${reasons.join('; ')}; check the database, then run --mark-applied ${id} or --mark-rolled-back ${id}` : null;
  return {
    shown: { version: a.version, name: a.name, id, file: f?.file ?? null, state, checksum, appliedAt: a.appliedAt?.toISOString() ?? null,
      appliedBy: a.appliedBy ?? ctx.appliedBy, durationMs: a.durationMs, reason: reasons.length ? reasons.join('; ') : null, source: a.source },
    row: { version: a.version, name: a.name, checksum, downSql: f?.down ?? null, status: a.dirty ? 'running' : 'applied', transactional: f?.transactional ?? true,
      appliedAt: a.appliedAt, appliedBy: a.appliedBy ?? ctx.appliedBy, durationMs: a.durationMs, environment: ctx.environmentName, error },
  };
}

/** Splits the import into rows to record and rows already recorded alike; refuses when our history says otherwise. */
function compareWithHistory(ctx: EngineContext, where: ToolTable, planned: Planned[], existing: HistoryRow[]): { fresh: Planned[]; already: Planned[] } {
  const ours = new Map(existing.map((h) => [normaliseVersion(h.version), h]));
  const fresh: Planned[] = [];
  const already: Planned[] = [];
  const conflicts: string[] = [];
  const seen = new Set<string>();
  for (const p of planned) {
    const key = normaliseVersion(p.row.version);
    seen.add(key);
    const h = ours.get(key);
    if (!h) fresh.push(p);
    else if (h.checksum === p.row.checksum && h.status === p.row.status) already.push(p);
    else conflicts.push(`${p.shown.id}: recorded here as ${h.status === 'running' ? 'dirty' : 'applied'}${h.checksum !== p.row.checksum ? ` with checksum ${h.checksum.slice(0, 12)}` : ''}, but ${where.tool} says ${p.shown.state}${h.checksum !== p.row.checksum ? ` (checksum ${p.row.checksum.slice(0, 12)})` : ''}`);
  }
  for (const h of existing) {
    if (!seen.has(normaliseVersion(h.version))) conflicts.push(`${migrationId(h)}: recorded here as applied, but not applied according to ${tableLabel(where)}`);
  }
  if (conflicts.length > 0) {
    throw new MigrationError('E_IMPORT_CONFLICT',
      `the history table ${ctx.store.names.schema}.${ctx.store.names.table} already records migrations that disagree with ${where.tool}'s ${tableLabel(where)}: ${conflicts.join('; ')}`,
      'nothing was recorded; find out which history is right (--status, --history), then resolve each by hand (--mark-applied, --mark-rolled-back, --repair-checksum), or import into a database this tool has not migrated');
  }
  return { fresh, already };
}

function readRaw(ctx: EngineContext, f: MigrationFile): Buffer | null {
  try {
    return fs.readFileSync(path.resolve(ctx.config.root, f.file));
  } catch {
    return null;
  }
}

/** The %project= pragma of a Sqitch project's plan, or null. */
function sqitchProject(ctx: EngineContext): string | null {
  try {
    const text = fs.readFileSync(path.join(ctx.config.migrationsDir, 'sqitch.plan'), 'utf8');
    return /^%project\s*=\s*(\S+)/m.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}
