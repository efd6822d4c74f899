/**
 * Every action the engine offers, and what it means for the database: whether it changes it (so it
 * needs a trusted workspace and, on a protected environment, confirmation) and whether a dry run of it
 * exists. The CLI and the extension both ask this table; neither keeps a list of its own.
 */
import type { ResolvedEnvironment } from './config';

export type EngineAction =
  | 'status' | 'history' | 'graph'
  | 'up' | 'down' | 'seed'
  | 'dryRun' | 'verify'
  | 'markApplied' | 'markRolledBack' | 'baseline' | 'repairChecksum' | 'importHistory'
  | 'backup' | 'backups' | 'restore'
  | 'refreshViews' | 'partitions' | 'maintainPartitions' | 'perf' | 'drift' | 'generate';

export interface ActionPolicy {
  /** It writes to the database (schema, data or the history table). */
  changes: boolean;
  /** What the confirmation question says it does, e.g. "apply migrations to". */
  verb: string;
}

export const ACTION_POLICY: Readonly<Record<EngineAction, ActionPolicy>> = {
  status: { changes: false, verb: 'read the status of' },
  history: { changes: false, verb: 'read the history of' },
  graph: { changes: false, verb: 'read the dependency graph of' },
  up: { changes: true, verb: 'apply migrations to' },
  down: { changes: true, verb: 'roll back migrations on' },
  seed: { changes: true, verb: 'seed' },
  dryRun: { changes: false, verb: 'rehearse migrations on' },
  verify: { changes: false, verb: 'verify rollbacks on' },
  markApplied: { changes: true, verb: 'mark a migration applied on' },
  markRolledBack: { changes: true, verb: 'mark a migration rolled back on' },
  baseline: { changes: true, verb: 'baseline' },
  repairChecksum: { changes: true, verb: 'repair a checksum on' },
  importHistory: { changes: true, verb: 'import another tool\'s history into' },
  // A backup writes a file, not the database; it records a log row only.
  backup: { changes: false, verb: 'back up' },
  backups: { changes: false, verb: 'list the backups of' },
  restore: { changes: true, verb: 'restore a backup over' },
  refreshViews: { changes: true, verb: 'refresh views on' },
  partitions: { changes: false, verb: 'list the partitions of' },
  maintainPartitions: { changes: true, verb: 'maintain partitions on' },
  perf: { changes: false, verb: 'read query statistics of' },
  drift: { changes: false, verb: 'compare the schema of' },
  generate: { changes: true, verb: 'record a migration generated from the drift of' },
};

/** True when running `action` on this environment needs a person's confirmation (or --yes) first. */
export function needsConfirmation(action: EngineAction, environment: Pick<ResolvedEnvironment, 'settings'>): boolean {
  return ACTION_POLICY[action].changes && !!environment.settings.protected;
}
