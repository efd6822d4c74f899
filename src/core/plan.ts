/**
 * The one plan that --up, --down, --dry-run and --verify all use: the pure planner's choice of migrations
 * plus every check that can be made before anything runs. Each planned section is parsed here, so a syntax
 * error, a COMMIT inside a transactional migration or a statement that cannot run in a transaction is
 * refused before the first migration of the run starts.
 */
import { nonTransactionalReason } from '../sql/objects';
import { loadParser } from '../sql/parser';
import { parseScriptSync, positionInScript, type ParsedStatement } from '../sql/parse';
import { transactionControl } from '../sql/transaction-control';
import { analyseMigrations, type DependencyEdge, type MigrationAnalysis } from './dependencies';
import { MigrationError } from './errors';
import { transactionNoneFix } from './formats/wording';
import { migrationId, type MigrationFile } from './migration-file';
import { planDown, planUp, type DownOptions, type MigrationStatus, type UpOptions } from './planner';

export type Direction = 'up' | 'down';

export interface PlanStep {
  direction: Direction;
  id: string;
  version: string;
  name: string;
  /** The section that runs: the up section, or the down SQL (from the file or the history table). */
  sql: string;
  statements: ParsedStatement[];
  /** File line of the section's first line (1 when the SQL comes from the history table). */
  baseLine: number;
  transactional: boolean;
  /** The file as shown in messages; '' when it is not on disk. */
  file: string;
  migration: MigrationFile | null;
  /** Where the SQL came from. */
  source: 'file' | 'history';
}

export interface RunPlan {
  direction: Direction;
  steps: PlanStep[];
  statuses: MigrationStatus[];
  edges: DependencyEdge[];
}

export interface PlanOptions extends Omit<UpOptions, 'edges' | 'allowOutOfOrder'>, Omit<DownOptions, 'edges'> {
  /** Every step in ONE transaction: refused when a step must run outside one. */
  singleTransaction?: boolean;
}

export interface PlanSettings {
  allowOutOfOrder: boolean;
  postgresVersion: number;
}

const NO_ANALYSIS: MigrationAnalysis = { edges: [], nonTransactional: [], statements: new Map() };

/** Plans a run in `direction` and checks every planned statement; throws a MigrationError naming file and line. */
export async function planRun(direction: Direction, files: MigrationFile[], statuses: MigrationStatus[], options: PlanOptions, settings: PlanSettings): Promise<RunPlan> {
  // Parsing every file (for dependency edges) only matters when something can run.
  const relevant = direction === 'up' ? statuses.some((s) => s.state === 'pending' || s.state === 'outdated') : statuses.some((s) => s.history);
  // An --up plan runs up sections only: the down sections are not parsed (a third of the parsing for typical files).
  const analysis = relevant ? await analyseMigrations(files, settings.postgresVersion, { down: direction === 'down' }) : NO_ANALYSIS;
  const steps = direction === 'up'
    ? upSteps(statuses, options, settings, analysis)
    : await downSteps(statuses, options, analysis);
  for (const step of steps) checkStep(step, settings.postgresVersion);
  if (options.singleTransaction) {
    const outside = steps.find((s) => !s.transactional);
    if (outside) {
      throw new MigrationError('E_NON_TRANSACTIONAL', `--single-transaction refused: ${outside.id} runs outside a transaction ("-- transaction: none")`,
        'run without --single-transaction, or apply up to the migration before it with --to', { file: outside.file || undefined });
    }
  }
  return { direction, steps, statuses, edges: analysis.edges };
}

function upSteps(statuses: MigrationStatus[], options: PlanOptions, settings: PlanSettings, analysis: MigrationAnalysis): PlanStep[] {
  const plan = planUp(statuses, { to: options.to, steps: options.steps, allowDrift: options.allowDrift, allowOutOfOrder: settings.allowOutOfOrder, edges: analysis.edges });
  return plan.map(({ migration: m }) => ({
    direction: 'up', id: migrationId(m), version: m.version, name: m.name, sql: m.up,
    statements: analysis.statements.get(m.version)?.up ?? [], baseLine: m.upLine, transactional: m.transactional,
    file: m.file, migration: m, source: 'file',
  }));
}

async function downSteps(statuses: MigrationStatus[], options: PlanOptions, analysis: MigrationAnalysis): Promise<PlanStep[]> {
  const plan = planDown(statuses, { to: options.to, target: options.target, steps: options.steps, edges: analysis.edges });
  const parser = plan.some((d) => d.source === 'history') ? await loadParser() : null;
  return plan.map((d) => {
    const fromFile = d.source === 'file' && d.file;
    return {
      direction: 'down', id: migrationId(d), version: d.version, name: d.name, sql: d.downSql,
      statements: fromFile ? analysis.statements.get(d.version)?.down ?? [] : parseScriptSync(parser!, d.downSql),
      baseLine: fromFile && d.file!.downLine ? d.file!.downLine : 1, transactional: d.transactional,
      // A down section read from a file of its own (golang-migrate's .down.sql) is named by that file in messages.
      file: (fromFile && d.file!.downFile) || (d.file?.file ?? ''), migration: d.file, source: d.source,
    };
  });
}

/** Refuses a step whose SQL does not parse, or that would break (or cannot run in) its transaction. */
function checkStep(step: PlanStep, postgresVersion: number): void {
  const where = (st: ParsedStatement, offset?: number) => {
    // A syntax error has an exact column; a refused statement is named by the line it starts on.
    const p = positionInScript(st, offset ?? 0);
    return { file: step.file || undefined, line: step.baseLine + p.line - 1, ...(offset === undefined ? {} : { column: p.column }) };
  };
  const section = step.source === 'history' ? `the down SQL stored in the history table for ${step.id}` : `${step.id} (${step.direction} section)`;
  for (const st of step.statements) {
    if (st.error && st.error.source === 'sql') {
      throw new MigrationError('E_SQL_SYNTAX', `syntax error in ${section}: ${st.error.message}; nothing was run`,
        `correct the statement, then run --${step.direction} again`, where(st, st.error.offset));
    }
    if (!step.transactional) continue;
    const control = transactionControl(st.kind, st.node);
    if (control) {
      throw new MigrationError('E_NON_TRANSACTIONAL',
        `${control} inside ${section}, which runs in one transaction: it would end that transaction part way and leave the rest outside it; nothing was run`,
        'remove it (every migration already runs in its own transaction), or add "-- transaction: none" above "-- Up migration" if the statements must commit separately', where(st));
    }
    const what = nonTransactionalReason(st.kind, st.node, postgresVersion);
    if (what) {
      throw new MigrationError('E_NON_TRANSACTIONAL',
        `${what} cannot run inside a transaction, and ${step.id} runs in one`,
        `${transactionNoneFix(step.migration)}, or move this statement into a migration of its own`, where(st));
    }
  }
}
