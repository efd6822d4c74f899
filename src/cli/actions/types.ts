import type { MigrationEngine, Project } from '../../core/engine';
import type { Style } from '../../core/report';
import type { CliOptions } from '../program';

export interface ActionContext {
  opts: CliOptions;
  /** The positional MigrationName, when given. */
  name: string | undefined;
  project: Project;
  cwd: string;
  /** "environment (database)" for messages. */
  where: string;
  style: Style;
  /** The engine for this run (opened on first use, closed by the caller). */
  engine(): MigrationEngine;
}

export interface ActionResult {
  exitCode: number;
  /** What a person reads. */
  text: string;
  /** What --json prints (a string is printed as it is, e.g. SARIF). */
  json: unknown;
}

export type ActionHandler = (ctx: ActionContext) => Promise<ActionResult>;

export function done(text: string, json: unknown, exitCode = 0): ActionResult {
  return { exitCode, text, json };
}
