/**
 * The fleet's status matrix: targets × migrations, a pure model built from each target's statuses. The CLI
 * prints it as a table (report/fleet.ts) and as JSON; the editor can draw the same model.
 */
import { compareVersions, migrationId, type StatusFile } from '../migration-file';
import type { MigrationState, MigrationStatus } from '../planner';

/** A migration's state on one target; 'unknown' when the target could not be read. */
export type MatrixCell = MigrationState | 'unknown';

export interface MatrixColumn {
  version: string;
  name: string;
  id: string;
}

export interface MatrixRow {
  key: string;
  label: string;
  /** Why the target could not be read (its cells are then 'unknown'); null when it was. */
  error: string | null;
  /** One cell per column, in the columns' order. */
  cells: MatrixCell[];
  /** Migrations due on this target (pending or outdated). */
  behind: number;
  /** Applied files that changed, are missing, dirty or out of order. */
  drift: boolean;
}

export interface StatusMatrix {
  columns: MatrixColumn[];
  rows: MatrixRow[];
  totals: { targets: number; upToDate: number; behind: number; drift: number; unreadable: number };
}

export interface MatrixInput {
  key: string;
  label: string;
  statuses?: MigrationStatus<StatusFile>[];
  error?: string;
}

const DRIFT: ReadonlySet<MatrixCell> = new Set<MatrixCell>(['modified', 'missing', 'dirty']);

/** Columns: every version any target knows (a file, or a history row without one), in version order. */
export function buildStatusMatrix(inputs: MatrixInput[]): StatusMatrix {
  const byVersion = new Map<string, MatrixColumn>();
  for (const input of inputs) {
    for (const s of input.statuses ?? []) {
      if (!byVersion.has(s.version) || s.file) byVersion.set(s.version, { version: s.version, name: s.name, id: migrationId(s) });
    }
  }
  const columns = [...byVersion.values()].sort((a, b) => compareVersions(a.version, b.version));
  const rows = inputs.map((input): MatrixRow => {
    if (!input.statuses) return { key: input.key, label: input.label, error: input.error ?? 'not read', cells: columns.map(() => 'unknown'), behind: 0, drift: false };
    const state = new Map(input.statuses.map((s) => [s.version, s]));
    // A version this target has neither as a file nor in its history cannot occur (every target reads the same files).
    const cells = columns.map((c): MatrixCell => state.get(c.version)?.state ?? 'unknown');
    return {
      key: input.key, label: input.label, error: null, cells,
      behind: cells.filter((c) => c === 'pending' || c === 'outdated').length,
      drift: cells.some((c) => DRIFT.has(c)) || input.statuses.some((s) => s.outOfOrder),
    };
  });
  return {
    columns,
    rows,
    totals: {
      targets: rows.length,
      upToDate: rows.filter((r) => !r.error && r.behind === 0 && !r.drift).length,
      behind: rows.filter((r) => !r.error && r.behind > 0).length,
      drift: rows.filter((r) => r.drift).length,
      unreadable: rows.filter((r) => r.error).length,
    },
  };
}

/**
 * The columns worth showing (at most `max`): those where some readable target is not simply applied — the oldest
 * `max - 1` of them when more differ — and always the newest. `folded`: columns not shown that are applied on every
 * readable target; `hidden`: columns not shown that differ somewhere. A fleet with 500 applied migrations stays
 * readable, and no difference is counted as applied.
 */
export function interestingColumns(matrix: StatusMatrix, max = 12): { shown: number[]; folded: number; hidden: number } {
  const read = matrix.rows.filter((r) => !r.error);
  const differs = (k: number) => read.some((r) => r.cells[k] !== 'applied');
  const last = matrix.columns.length - 1;
  const differing = matrix.columns.map((_, k) => k).filter((k) => k !== last && differs(k));
  const chosen = new Set(differing.slice(0, last >= 0 ? max - 1 : max));
  if (last >= 0) chosen.add(last);
  const shown = [...chosen].sort((a, b) => a - b);
  const left = matrix.columns.map((_, k) => k).filter((k) => !chosen.has(k));
  const hidden = left.filter(differs).length;
  return { shown, folded: left.length - hidden, hidden };
}
