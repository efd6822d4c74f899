/** One small handler per action; main.ts picks one from this table. */
import type { CliAction } from '../options';
import { backup, baseline, markApplied, markRolledBack, refreshViews, repairChecksum, restore, seed } from './data';
import { convert, importHistory } from './import';
import { down, up, verify } from './migrate';
import { create, lint, listRules, listTemplatesAction } from './project';
import { backups, history, partitions, perf, status } from './status';
import { checkSchemaDump, drift, generate, schemaDump } from './schema';
import type { ActionHandler } from './types';

export const ACTION_HANDLERS: Record<CliAction, ActionHandler> = {
  create, lint, listRules, listTemplates: listTemplatesAction,
  up, down, verify, seed,
  status, history, perf, backups, partitions,
  backup, restore, markApplied, markRolledBack, baseline, repairChecksum, refreshViews,
  importHistory, convert,
  drift, schemaDump, checkSchemaDump, generate,
};

export type { ActionContext, ActionHandler, ActionResult } from './types';
