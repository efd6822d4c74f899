/**
 * Which action a command line asks for, and whether every flag given applies to it: a flag that does not
 * apply is an error naming it, never silently ignored.
 */
import type { EngineAction } from '../core/actions';
import { MigrationError } from '../core/errors';
import type { CliOptions } from './program';

export const CLI_ACTIONS = ['create', 'up', 'down', 'seed', 'status', 'history', 'markApplied', 'markRolledBack', 'baseline', 'repairChecksum', 'importHistory', 'convert', 'verify',
  'refreshViews', 'partitions', 'perf', 'lint', 'backup', 'backups', 'restore', 'listTemplates', 'listRules', 'drift', 'schemaDump', 'checkSchemaDump', 'generate'] as const;
export type CliAction = (typeof CLI_ACTIONS)[number];

/** The flag as typed: markApplied -> --mark-applied. */
export function flag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

export function chosenAction(opts: CliOptions): CliAction {
  // --verify with --up is a modifier of --up, not an action of its own.
  const chosen = CLI_ACTIONS.filter((a) => opts[a] !== undefined && opts[a] !== false && !(a === 'verify' && opts.up));
  if (chosen.length === 0) {
    throw new MigrationError('E_USAGE', 'no action given',
      'add one of --create, --up, --down, --seed, --status, --history, --lint (see --help)');
  }
  if (chosen.length > 1) {
    throw new MigrationError('E_USAGE', `choose one action, not ${chosen.map(flag).join(' and ')}`, 'run one action per command, e.g. --up, then --status');
  }
  return chosen[0]!;
}

type Modifier = 'parallel' | 'canary' | 'onFailure' | 'out' | 'dryRun' | 'singleTransaction' | 'reset' | 'scale' | 'graph' | 'to' | 'steps' | 'template' | 'allowDrift' | 'noBackup' | 'noCache' | 'format' | 'yes' | 'verify' | 'name';

/** The actions a fleet runs on every target (several --url, or an environment with "targets"). */
export const FLEET_ACTIONS: readonly CliAction[] = ['up', 'down', 'status', 'verify', 'drift'];

/** Where each modifier applies; `when` narrows it further (e.g. --dry-run with --partitions only for "maintain"). */
const APPLIES: Record<Modifier, { actions: CliAction[]; when?: (o: CliOptions) => string | null }> = {
  parallel: { actions: [...FLEET_ACTIONS] },
  canary: { actions: ['up'], when: (o) => (o.dryRun ? 'a real --up' : null) },
  onFailure: { actions: ['up', 'down', 'verify', 'drift'] },
  out: { actions: ['convert'] },
  dryRun: { actions: ['up', 'down', 'seed', 'partitions', 'importHistory'], when: (o) => (o.partitions !== undefined && o.partitions !== 'maintain' ? '--partitions maintain' : null) },
  singleTransaction: { actions: ['up'] },
  reset: { actions: ['seed'] },
  scale: { actions: ['seed'] },
  graph: { actions: ['status'] },
  to: { actions: ['up', 'down', 'convert'] },
  steps: { actions: ['up', 'down'] },
  template: { actions: ['create'] },
  allowDrift: { actions: ['up'] },
  noBackup: { actions: ['up', 'down'], when: (o) => (o.dryRun ? 'a real --up or --down (a dry run takes no backup)' : null) },
  format: { actions: ['lint'] },
  noCache: { actions: ['lint', 'status'] },
  yes: { actions: ['up', 'down', 'seed', 'markApplied', 'markRolledBack', 'baseline', 'repairChecksum', 'importHistory', 'restore', 'refreshViews', 'partitions'] },
  verify: { actions: ['up'], when: (o) => (o.dryRun ? '--up without --dry-run' : null) },
  name: { actions: ['create', 'up', 'down', 'verify', 'lint'] },
};

const USED_WITH: Partial<Record<Modifier, string>> = { name: 'MigrationName', noBackup: '--no-backup', noCache: '--no-cache' };

/** Refuses any flag (or MigrationName) that the chosen action does not use. */
export function assertFlagsApply(action: CliAction, opts: CliOptions, given: { name?: string; formatFromUser: boolean }): void {
  const present: Record<Modifier, boolean> = {
    parallel: opts.parallel !== undefined, canary: opts.canary !== undefined, onFailure: opts.onFailure !== undefined,
    out: opts.out !== undefined,
    dryRun: !!opts.dryRun, singleTransaction: !!opts.singleTransaction, reset: !!opts.reset, scale: opts.scale !== undefined,
    graph: opts.graph !== undefined, to: opts.to !== undefined, steps: opts.steps !== undefined, template: opts.template !== undefined,
    allowDrift: !!opts.allowDrift, noBackup: opts.backup === false, noCache: opts.cache === false, format: given.formatFromUser, yes: !!opts.yes,
    verify: opts.verify !== undefined && action === 'up', name: given.name !== undefined,
  };
  for (const key of Object.keys(APPLIES) as Modifier[]) {
    if (!present[key]) continue;
    const rule = APPLIES[key];
    const shown = USED_WITH[key] ?? flag(key);
    if (!rule.actions.includes(action)) {
      throw new MigrationError('E_USAGE', `${shown} does not apply to ${flag(action)}`,
        `drop ${shown}; it is used with ${rule.actions.map(flag).join(', ')}`);
    }
    const needs = rule.when?.(opts);
    if (needs) throw new MigrationError('E_USAGE', `${shown} does not apply here`, `drop ${shown}; it is used with ${needs}`);
  }
  if (action === 'convert' && opts.to !== 'native') {
    throw new MigrationError('E_USAGE', opts.to === undefined ? '--convert needs --to native' : `--convert --to ${opts.to}: only "native" can be converted to`,
      'run database-migration --convert --to native [--out DIR]');
  }
  if (action === 'up' && given.name !== undefined && opts.to !== undefined) throw new MigrationError('E_USAGE', 'give either MigrationName or --to, not both', 'drop one of them');
  if (action === 'down' && [given.name, opts.to, opts.steps].filter((v) => v !== undefined).length > 1) {
    throw new MigrationError('E_USAGE', 'give only one of MigrationName, --to and --steps with --down', 'drop the others');
  }
}

/** The engine action a command line runs, for the confirmation policy (null: it does not touch the database). */
export function engineAction(action: CliAction, opts: CliOptions): EngineAction | null {
  switch (action) {
    case 'create': case 'lint': case 'listRules': case 'listTemplates': case 'convert': case 'schemaDump': case 'checkSchemaDump': return null;
    case 'importHistory': return opts.dryRun ? 'dryRun' : 'importHistory';
    case 'up': case 'down': return opts.dryRun ? 'dryRun' : action;
    case 'seed': return opts.dryRun ? 'dryRun' : 'seed';
    case 'partitions': return opts.partitions === 'maintain' ? (opts.dryRun ? 'dryRun' : 'maintainPartitions') : 'partitions';
    case 'status': return opts.graph ? 'graph' : 'status';
    case 'generate': return 'generate';
    default: return action;
  }
}
