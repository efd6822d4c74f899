/**
 * The lint check before "up" (issue 17): the migrations a run is about to apply are linted, and error-severity
 * findings either ask ("Apply anyway") or refuse, as the caller's policy says. The wording and the decision live
 * here so every shell says the same; the shells only show it (a modal in the editor, a warning line in the CLI).
 */
import * as path from 'node:path';
import type { Config } from '../core/config';
import { migrationId } from '../core/migration-file';
import { planUp, type MigrationStatus } from '../core/planner';
import { lintPaths } from './project';
import type { Finding } from './types';

/** "ask": a confirmation with "Apply anyway"; "refuse": nothing is applied while errors remain; "off": no check. */
export type LintGatePolicy = 'ask' | 'refuse' | 'off';

export const APPLY_ANYWAY = 'Apply anyway';

export interface LintGate {
  decision: 'proceed' | 'confirm' | 'refuse';
  /** Error-severity findings in the migrations about to be applied. */
  errors: Finding[];
  /** Those migrations' files that have errors, as shown. */
  files: string[];
  /** One sentence: how many errors, in which migrations ("" when it proceeds without a word). */
  message: string;
  /** The first findings, one per line ("002_x.sql:4 rule-id: message"), and what to do. */
  detail: string;
}

const SHOWN_FINDINGS = 5;

/**
 * The decision and its wording, from the findings of the migrations a run would apply (`applying`: their ids, in
 * order). Only errors count: warnings are the author's call and never stop a run.
 */
export function lintGate(findings: Finding[], applying: string[], policy: LintGatePolicy): LintGate {
  const errors = policy === 'off' ? [] : findings.filter((f) => f.severity === 'error');
  const files = [...new Set(errors.map((f) => f.file))];
  if (errors.length === 0) return { decision: 'proceed', errors, files, message: '', detail: '' };
  const count = `${errors.length} lint error${errors.length === 1 ? '' : 's'}`;
  const where = files.length === 1 ? path.basename(files[0]!) : `${files.length} of the ${applying.length} migrations to apply`;
  const lines = errors.slice(0, SHOWN_FINDINGS).map((f) => `${path.basename(f.file)}:${f.line} ${f.ruleId}: ${f.message.split('\n')[0]}`);
  if (errors.length > SHOWN_FINDINGS) lines.push(`… and ${errors.length - SHOWN_FINDINGS} more (Lint Workspace / --lint lists them all)`);
  if (policy === 'refuse') {
    return { decision: 'refuse', errors, files, message: `Not applied: ${count} in ${where}. Fix them (or silence one with "-- lint-ignore <rule>") first.`, detail: lines.join('\n') };
  }
  return {
    decision: 'confirm', errors, files,
    message: `${count} in ${where}. Apply anyway?`,
    detail: [...lines, '', 'Error-severity findings are hazards such as long locks or lost data; the migrations run as written if you go on.'].join('\n'),
  };
}

/**
 * Lints the migrations an "up" (to `to`, when given) would apply and decides. The plan is the planner's own; when it
 * cannot be made (a dirty or changed migration), the run itself reports that, so this proceeds.
 */
export async function lintBeforeUp(config: Config, statuses: MigrationStatus[], options: { to?: string; policy: LintGatePolicy }): Promise<LintGate & { applying: string[] }> {
  if (options.policy === 'off') return { ...lintGate([], [], 'off'), applying: [] };
  let files: { id: string; file: string }[];
  try {
    files = planUp(statuses, { to: options.to, allowOutOfOrder: config.allowOutOfOrder }).map((s) => ({ id: migrationId(s.migration), file: s.migration.file }));
  } catch {
    return { ...lintGate([], [], options.policy), applying: [] };
  }
  if (files.length === 0) return { ...lintGate([], [], options.policy), applying: [] };
  const applying = files.map((f) => f.id);
  const run = await lintPaths(files.map((f) => path.resolve(config.root, f.file)), config, config.root);
  return { ...lintGate(run.findings, applying, options.policy), applying };
}
