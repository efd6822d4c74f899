/** The CLI: parse, check that every flag applies, confirm where the engine says so, run one action, print. */
import { CommanderError, type Command } from 'commander';
import { needsConfirmation } from '../core/actions';
import { connectProject, MigrationEngine, openProject, type EngineOptions, type Project } from '../core/engine';
import type { Database } from '../core/db/database';
import { ExitCode, MigrationError } from '../core/errors';
import { redactText } from '../core/redact';
import { describeWhere, renderEvent } from '../core/report';
import { ACTION_HANDLERS, type ActionContext } from './actions';
import { notConfirmed, restoreConfirmation } from './actions/data';
import { assertFleetFlags, assertOneUrl, fleetAction, FLEET_ACTIONS } from './actions/fleet';
import { isFleet } from '../core/fleet';
import { assertFlagsApply, chosenAction, engineAction, flag, type CliAction } from './options';
import { processOutput, terminalStyle, type Output } from './output';
import { progressSink } from './progress';
import { buildProgram, type CliOptions } from './program';

export { buildProgram } from './program';

export interface CliContext {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
  /** Opens the database for a run (default: connectProject). Lets a host reuse an open embedded database. */
  connect?: (project: Project) => Database;
  /** Answers a yes/no question; defaults to a terminal prompt when stdin is a TTY (otherwise the answer is no). */
  confirm?: (question: string) => Promise<boolean>;
}

/** Runs the CLI and returns the exit code (never calls process.exit). */
export async function runCli(argv: string[], ctx: CliContext = {}): Promise<number> {
  const output = ctx.output ?? processOutput();
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => output.out(s.replace(/\n$/, '')), writeErr: (s) => output.err(s.replace(/\n$/, '')) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Success;
      if (err.code === 'E_USAGE') output.err(`error: ${err.message}`);
      return ExitCode.UsageOrConfig;
    }
    throw err;
  }
  const json = !!program.opts<CliOptions>().json;
  try {
    if (program.opts<CliOptions>().lsp || program.opts<CliOptions>().stdio) return await languageServer(program);
    return await runAction(program, ctx, output);
  } catch (err) {
    return reportError(err, output, json);
  }
}

async function runAction(program: Command, ctx: CliContext, output: Output): Promise<number> {
  const opts = program.opts<CliOptions>();
  const name = program.args[0];
  const action = chosenAction(opts);
  assertFlagsApply(action, opts, { name, formatFromUser: program.getOptionValueSource('format') === 'cli' });
  const cwd = ctx.cwd ?? process.cwd();
  const urls = opts.url ?? [];
  assertOneUrl(action, urls);
  const project = openProject({ cwd, configPath: opts.config, env: opts.env, url: urls[0], envFile: opts.envFile, processEnv: ctx.env ?? process.env });
  const style = terminalStyle(output.tty);
  const progress = progressSink(output, terminalStyle(!!output.errTty), { json: !!opts.json });
  const engineOptions: EngineOptions = {
    confirmed: false,
    onEvent: (e) => {
      if (e.type === 'seed-progress') return progress.update(e);
      if (opts.json) return;
      const line = renderEvent(e, style);
      if (line) output[line.stream](line.text);
    },
  };
  let engine: MigrationEngine | null = null;
  const fleet = isFleet(project, urls);
  const actx: ActionContext = {
    // A fleet's prompt and messages name the fleet, not the control database its environment may point at.
    opts, name, project, cwd, style, where: fleet ? `${project.environment.name} (a fleet: ${urls.length > 1 ? `${urls.length} --url` : 'its "targets"'})` : describeWhere(project.environment, project.config.root),
    engine: () => (engine ??= new MigrationEngine(project, (ctx.connect ?? connectProject)(project), engineOptions)),
  };
  assertFleetFlags(action, actx, fleet, engineAction(action, opts) !== null);
  try {
    engineOptions.confirmed = await confirm(action, actx, ctx, output);
    const result = fleet && FLEET_ACTIONS.includes(action)
      ? await fleetAction(action, actx, {
        urls, connect: ctx.connect, processEnv: ctx.env ?? process.env, confirmed: !!engineOptions.confirmed,
        print: opts.json ? undefined : (line) => output[line.stream](line.text),
      })
      : await ACTION_HANDLERS[action](actx).finally(() => progress.finish());
    const shown = opts.json ? (typeof result.json === 'string' ? result.json : JSON.stringify(result.json, null, 2)) : result.text;
    if (shown) output.out(shown);
    return result.exitCode;
  } finally {
    if (engine) await (engine as MigrationEngine).db.close();
  }
}

/**
 * --lsp: the language server on stdin/stdout until the client says exit (vscode-languageserver then ends the process
 * with 0 after a shutdown request, else 1). It takes no other flag: the project of each file is found from the file.
 */
async function languageServer(program: Command): Promise<number> {
  const opts = program.opts<CliOptions>();
  if (!opts.lsp) throw new MigrationError('E_USAGE', '--stdio does not apply without --lsp', 'run database-migration --lsp (editors may add --stdio)');
  const others = program.options.map((o) => o.attributeName()).filter((k) => k !== 'lsp' && k !== 'stdio' && program.getOptionValueSource(k) === 'cli');
  if (others.length > 0 || program.args.length > 0) {
    const shown = others.length > 0 ? flag(others[0]!) : 'MigrationName';
    throw new MigrationError('E_USAGE', `${shown} does not apply to --lsp`, `drop ${shown}; the server reads each file's project from the file`);
  }
  // Loaded only for --lsp: other commands never compile the protocol code.
  const { runLanguageServer } = require('../lint/lsp/main') as typeof import('../lint/lsp/main');
  runLanguageServer();
  return new Promise<number>(() => undefined); // the server ends the process on exit
}

/**
 * Whether a person confirmed the action: --yes, or a "y" at the prompt. The engine decides which actions
 * need it (it refuses them unconfirmed); a restore is always asked. Without a terminal nobody can answer: no.
 */
async function confirm(action: CliAction, actx: ActionContext, ctx: CliContext, output: Output): Promise<boolean> {
  if (actx.opts.yes) return true;
  const ask = ctx.confirm ?? (process.stdin.isTTY ? terminalConfirm : null);
  if (action === 'restore') {
    const question = restoreConfirmation(actx);
    if (!ask || !(await ask(question))) throw notConfirmed(`restoring ${actx.opts.restore}`);
    return true;
  }
  const what = engineAction(action, actx.opts);
  if (!what || !needsConfirmation(what, actx.project.environment)) return true;
  if (!ask) return false; // the engine refuses with a message naming --yes
  const env = actx.project.environment;
  const ok = await ask(`Environment "${env.name}" is protected. Run --${action.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} on ${actx.where}? [y/N] `);
  if (!ok) output.err('Cancelled.');
  return ok;
}

async function terminalConfirm(question: string): Promise<boolean> {
  // Loaded only when a question is asked.
  const readline = require('node:readline/promises') as typeof import('node:readline/promises');
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function reportError(err: unknown, output: Output, json: boolean): number {
  if (err instanceof MigrationError) {
    if (json) output.out(JSON.stringify({ error: err.toJSON() }, null, 2));
    else output.err(`${terminalStyle(output.tty).red('error:')} ${redactText(err.format())}`);
    return err.exitCode;
  }
  const message = redactText(String((err as Error)?.stack ?? err));
  if (json) output.out(JSON.stringify({ error: { code: 'E_INTERNAL', message } }, null, 2));
  else output.err(`internal error (please report it): ${message}`);
  return ExitCode.MigrationFailed;
}
