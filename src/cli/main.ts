import * as path from 'node:path';
import * as readline from 'node:readline/promises';
import { Command, CommanderError, Option } from 'commander';
import { describeTarget } from '../core/config';
import { createMigration, listTemplates } from '../core/create';
import { connectProject, MigrationEngine, openProject, type EngineEvent, type Project } from '../core/engine';
import { describeDifference } from '../core/catalog';
import { graphMermaid, graphText } from '../core/dependencies';
import type { Database } from '../core/db/database';
import { ExitCode, MigrationError } from '../core/errors';
import { verificationError, type MigrationRehearsal } from '../core/rehearsal';
import { packageVersion } from '../core/package-root';
import { redactText } from '../core/redact';
import { hasDrift } from '../core/report';
import { lintOptionsFromConfig, lintPaths } from '../lint/project';
import { formatGcc } from '../lint/reporters/gcc';
import { formatJson } from '../lint/reporters/json';
import { formatSarif } from '../lint/reporters/sarif';
import { formatText } from '../lint/reporters/text';
import { ALL_RULES } from '../lint/rules';
import { colours, formatDuration, formatTime, plainTable, renderTable, processOutput, renderLog, renderStatus, statusJson, summarise, type Output } from './output';

interface CliOptions {
  create?: boolean;
  up?: boolean;
  down?: boolean;
  seed?: boolean;
  status?: boolean;
  history?: boolean;
  markApplied?: string;
  markRolledBack?: string;
  baseline?: string;
  repairChecksum?: string;
  listTemplates?: boolean;
  lint?: boolean | string[];
  listRules?: boolean;
  backup?: boolean;
  backups?: boolean;
  restore?: string;
  dryRun?: boolean;
  singleTransaction?: boolean;
  reset?: boolean;
  scale?: number;
  refreshViews?: boolean | string[];
  partitions?: boolean | string;
  perf?: boolean;
  graph?: boolean | string;
  verify?: boolean | string;
  format?: 'text' | 'json' | 'sarif' | 'gcc';
  to?: string;
  steps?: number;
  env?: string;
  config?: string;
  url?: string;
  json?: boolean;
  yes?: boolean;
  template?: string;
  allowDrift?: boolean;
}

const ACTIONS = ['create', 'up', 'down', 'seed', 'status', 'history', 'markApplied', 'markRolledBack', 'baseline', 'repairChecksum', 'verify', 'refreshViews', 'partitions', 'perf', 'lint', 'backup', 'backups', 'restore', 'listTemplates', 'listRules'] as const;

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  a migration or seed failed (it was rolled back)
  2  usage or configuration error, bad migration file, refused action
  3  the migration lock is held by another run
  4  drift: a migration changed after it was applied, is missing, dirty or out of order
  5  cannot connect to the database (unreachable, authentication, no such database)
  6  --lint found error-severity problems
  7  a backup or restore failed (nothing was migrated or restored)

Database selection (first match wins):
  --url, then the --env environment's "url" in the config, then DATABASE_URL,
  then the default environment's "url", else the embedded PGlite database in
  .migrations/pglite/<environment>.

Examples:
  database-migration create_space_objects --create --template create-table
  database-migration --up
  database-migration --down --steps 2
  database-migration --status --json
  database-migration --seed --env development`;

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CommanderError(ExitCode.UsageOrConfig, 'E_USAGE', `expected a positive whole number, got "${value}"`);
  return n;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('database-migration')
    .description('PostgreSQL migrations: create, apply, roll back, seed and inspect.')
    .usage('[MigrationName] --create | --up | --down | --seed | --status [options]')
    .argument('[MigrationName]', 'name for --create; target migration for --up (up to it) and --down (down to and including it)')
    .option('--create', 'create migrations/NNN_<name>.sql from a template')
    .option('--up', 'apply pending migrations (all, or up to MigrationName / --to / --steps)')
    .option('--down', 'roll back the last migration (or --steps N, --to VERSION, or down to MigrationName)')
    .option('--seed', 'load the sample data ("sampleDataDir") and every seeds/*.sql in one transaction, and record it')
    .option('--reset', 'with --seed: empty the sample-data tables first, then reload')
    .option('--scale <rows>', 'with --seed: also generate ROWS synthetic observation and API-log rows with COPY', parsePositiveInt)
    .option('--status', 'show each migration: version, name, state, applied at, duration')
    .option('--history', 'show the log of ups, downs, seeds and failures')
    .option('--mark-applied <version>', 'after checking by hand, record a dirty migration as applied')
    .option('--mark-rolled-back <version>', 'after checking by hand, record a dirty migration as not applied')
    .option('--baseline <version>', 'adopt an existing database: record migrations up to VERSION as applied without running them')
    .option('--repair-checksum <version>', 'accept an intentionally edited applied migration (record its new checksum)')
    .addOption(new Option('--graph [format]', 'with --status: print the dependency graph (declared and inferred from the SQL)').choices(['text', 'mermaid']))
    .option('--single-transaction', 'with --up: apply all pending migrations in one transaction (all or nothing)')
    .option('--dry-run', 'with --up/--down: run inside a transaction and roll back, reporting time, rows and locks per statement')
    .option('--verify [version]', 'check that each pending migration\'s down undoes its up (all in a rolled-back transaction); with --up: refuse to apply when it does not')
    .option('--refresh-views [views...]', 'refresh materialized views (CONCURRENTLY where possible) in dependency order')
    .addOption(new Option('--partitions [action]', 'show partitioned tables, or "maintain": create upcoming monthly partitions and detach expired ones (config "partitions")').choices(['show', 'maintain']))
    .option('--perf', 'query performance: top statements (pg_stat_statements, else slow migration statements), index usage, table bloat')
    .option('--backup', 'back up the database now (pg_dump, or PGlite\'s dump for the embedded database)')
    .option('--no-backup', 'with --up/--down: skip the automatic backup (recorded in the log)')
    .option('--backups', 'list the backups of the environment')
    .option('--restore <id>', 'restore a backup ("latest" or an id from --backups), after confirmation')
    .option('--lint [paths...]', 'lint SQL files or directories with the PostgreSQL parser (default: the migrations directory)')
    .option('--list-templates', 'list the templates --create can use')
    .option('--list-rules', 'list the lint rules with their severity')
    .option('--to <version>', '--up: apply up to and including VERSION; --down: roll back everything after VERSION (0 = all)')
    .option('--steps <n>', 'number of migrations to apply or roll back', parsePositiveInt)
    .option('--env <name>', 'environment from the config file (default: "defaultEnvironment", else development)')
    .option('--config <path>', 'config file (default: ./database-migration.config.json)')
    .option('--url <url>', 'connect to this PostgreSQL URL instead of the configured one')
    .option('--template <name>', 'template for --create (default: blank)')
    .option('--allow-drift', 'apply pending migrations even though an applied one was modified')
    .option('--json', 'print machine-readable JSON')
    .addOption(new Option('--format <format>', 'output format for --lint').choices(['text', 'json', 'sarif', 'gcc']).default('text'))
    .option('-y, --yes', 'do not ask for confirmation on protected environments')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXIT_CODES_HELP)
    .helpCommand(false)
    // A fixed width keeps --help identical on every terminal, and in the README.
    .configureHelp({ helpWidth: 80 })
    .showSuggestionAfterError(true);
  return program;
}

export interface CliContext {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
  /** Opens the database for a run (default: connectProject). Lets a host reuse an open embedded database. */
  connect?: (project: Project) => Database;
  /** Answers a yes/no question; defaults to a terminal prompt when stdin is a TTY. */
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
  const opts = program.opts<CliOptions>();
  const name = program.args[0];
  const json = !!opts.json;
  try {
    return await dispatch(opts, name, ctx, output);
  } catch (err) {
    return reportError(err, output, json);
  }
}

function chosenAction(opts: CliOptions): (typeof ACTIONS)[number] {
  // --verify with --up is a modifier of --up, not an action of its own.
  const chosen = ACTIONS.filter((a) => opts[a] !== undefined && opts[a] !== false && !(a === 'verify' && opts.up));
  if (chosen.length === 0) {
    throw new MigrationError('E_USAGE', 'no action given',
      'add one of --create, --up, --down, --seed, --status, --history, --lint (see --help)');
  }
  if (chosen.length > 1) {
    const flags = chosen.map((a) => `--${a.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new MigrationError('E_USAGE', `choose one action, not ${flags.join(' and ')}`, 'run one action per command, e.g. --up, then --status');
  }
  return chosen[0]!;
}

async function dispatch(opts: CliOptions, name: string | undefined, ctx: CliContext, output: Output): Promise<number> {
  const action = chosenAction(opts);
  const json = !!opts.json;
  const c = colours(output.tty);
  const project = openProject({ cwd: ctx.cwd ?? process.cwd(), configPath: opts.config, env: opts.env, url: opts.url, processEnv: ctx.env ?? process.env });
  const where = `${project.environment.name} (${describeTarget(project.environment.target, project.config.root)})`;

  if (action === 'lint') {
    const paths = Array.isArray(opts.lint) ? opts.lint : name ? [name] : [];
    const run = await lintPaths(paths, project.config, ctx.cwd ?? process.cwd());
    const format = json ? 'json' : opts.format ?? 'text';
    if (format === 'json') output.out(formatJson(run.findings, run.files.length));
    else if (format === 'sarif') output.out(formatSarif(run.findings, ALL_RULES, packageVersion(), (f) => f.split(path.sep).join('/')));
    else if (format === 'gcc') { if (run.findings.length) output.out(formatGcc(run.findings)); }
    else output.out(formatText(run.findings, run.sources, run.files.length, c));
    return run.findings.some((f) => f.severity === 'error') ? ExitCode.LintErrors : ExitCode.Success;
  }
  if (action === 'listRules') {
    const severities = lintOptionsFromConfig(project.config).severities ?? {};
    const rows = ALL_RULES.map((r) => ({ id: r.id, severity: severities[r.id] ?? r.defaultSeverity, description: r.description }));
    output.out(json ? JSON.stringify({ rules: ALL_RULES.map((r) => ({ ...rows.find((x) => x.id === r.id), rationale: r.rationale, help: r.help })) }, null, 2)
      : plainTable(['rule', 'severity', 'checks for'], rows.map((r) => [r.id, r.severity, r.description])));
    return ExitCode.Success;
  }
  if (action === 'listTemplates') {
    const names = listTemplates(project.config);
    output.out(json ? JSON.stringify({ templates: names }, null, 2) : names.join('\n'));
    return ExitCode.Success;
  }
  if (action === 'create') {
    if (!name) {
      throw new MigrationError('E_USAGE', '--create needs a migration name',
        'write the name before the flag, e.g. database-migration create_space_objects --create');
    }
    const created = createMigration(project.config, name, { template: opts.template });
    const shown = path.relative(ctx.cwd ?? process.cwd(), created.path) || created.path;
    output.out(json ? JSON.stringify({ created: shown, version: created.version, name: created.name, template: created.template }, null, 2)
      : `Created ${shown} (template: ${created.template})`);
    return ExitCode.Success;
  }

  const confirmed = await confirmIfProtected(project, action, opts, ctx, output);
  const engine = new MigrationEngine(project, ctx.connect ? ctx.connect(project) : connectProject(project), {
    confirmed,
    onEvent: json ? undefined : (e) => printEvent(e, output),
  });
  try {
    switch (action) {
      case 'status': {
        if (opts.graph) {
          const analysis = await engine.dependencies();
          const files = engine.migrations();
          if (json) output.out(JSON.stringify({ environment: project.environment.name, edges: analysis.edges }, null, 2));
          else output.out(opts.graph === 'mermaid' ? graphMermaid(files, analysis.edges) : graphText(files, analysis.edges));
          return ExitCode.Success;
        }
        const report = await engine.status();
        const drift = hasDrift(report.statuses);
        if (json) {
          output.out(JSON.stringify({ environment: report.environment, database: report.database, connection: describePool(project), drift, migrations: statusJson(report.statuses) }, null, 2));
        } else {
          output.out(`Environment: ${where}`);
          const pool = describePool(project);
          if (pool) output.out(c.dim(pool));
          output.out(renderStatus(report.statuses, output.tty));
          output.out(`${summarise(report.statuses)}${drift ? c.red(' — drift detected') : ''}`);
        }
        return drift ? ExitCode.DriftDetected : ExitCode.Success;
      }
      case 'history': {
        const entries = await engine.log(100);
        output.out(json ? JSON.stringify({ environment: project.environment.name, log: entries }, null, 2) : renderLog(entries, output.tty));
        return ExitCode.Success;
      }
      case 'up': {
        if (name && opts.to) throw new MigrationError('E_USAGE', 'give either MigrationName or --to, not both', 'drop one of them');
        if (opts.dryRun) return printDryRun(await engine.dryRun('up', { to: name ?? opts.to, steps: opts.steps, allowDrift: opts.allowDrift }), where, json, output);
        const run = await engine.up({ to: name ?? opts.to, steps: opts.steps, allowDrift: opts.allowDrift, noBackup: opts.backup === false, verify: !!opts.verify, singleTransaction: !!opts.singleTransaction });
        if (json) output.out(JSON.stringify({ environment: project.environment.name, applied: run.migrations, migrations: statusJson(run.statuses) }, null, 2));
        else if (run.migrations.length === 0) output.out(`Nothing to apply: ${where} is up to date.`);
        else output.out(c.green(`Applied ${plural(run.migrations.length, 'migration')} to ${where}.`));
        return ExitCode.Success;
      }
      case 'down': {
        if ([name, opts.to, opts.steps].filter((v) => v !== undefined).length > 1) {
          throw new MigrationError('E_USAGE', 'give only one of MigrationName, --to and --steps with --down', 'drop the others');
        }
        if (opts.dryRun) return printDryRun(await engine.dryRun('down', { target: name, to: opts.to, steps: opts.steps }), where, json, output);
        const run = await engine.down({ target: name, to: opts.to, steps: opts.steps, noBackup: opts.backup === false });
        if (json) output.out(JSON.stringify({ environment: project.environment.name, rolledBack: run.migrations, migrations: statusJson(run.statuses) }, null, 2));
        else if (run.migrations.length === 0) output.out(`Nothing to roll back on ${where}.`);
        else output.out(c.green(`Rolled back ${plural(run.migrations.length, 'migration')} on ${where}.`));
        return ExitCode.Success;
      }
      case 'seed': {
        const run = await engine.seed({ reset: !!opts.reset, scale: opts.scale });
        if (json) output.out(JSON.stringify({ environment: project.environment.name, seeded: run.seeds, skipped: run.skipped, tables: run.tables, scaled: run.scaled }, null, 2));
        else {
          output.out(c.green(`Seeded ${where} from ${plural(run.seeds.length, 'source')}.`) + (run.skipped.length ? ` Skipped (other environments): ${run.skipped.join(', ')}.` : ''));
          if (run.scaled) output.out(`Generated ${run.scaled.rows} synthetic rows with COPY in ${run.scaled.seconds.toFixed(2)} s (${Math.round(run.scaled.rowsPerSecond)} rows/s): ${run.scaled.tables.map((t) => `${t.table} ${t.rows}`).join(', ')}.`);
        }
        return ExitCode.Success;
      }
      case 'verify': {
        const ref = typeof opts.verify === 'string' ? opts.verify : name;
        const results = await engine.verify(ref);
        const failure = verificationError(results);
        if (json) output.out(JSON.stringify({ environment: project.environment.name, ok: !failure, results }, null, 2));
        else {
          if (results.length === 0) output.out('Nothing to verify: no pending migrations.');
          for (const r of results) {
            if (r.ok && !r.skippedReason) output.out(`  ${c.green('✓')} ${r.id}: down undoes up, and up applies again identically${r.note ? c.dim(` (${r.note})`) : ''}`);
            else if (r.ok) output.out(`  ${c.yellow('-')} ${r.id}: not verified, it ${r.skippedReason}`);
            else {
              output.out(`  ${c.red('✗')} ${r.id}${r.skippedReason ? `: ${r.skippedReason}` : ''}`);
              for (const d of r.downDifferences) output.out(`      after down: ${describeDifference(d)}`);
              for (const d of r.reapplyDifferences) output.out(`      after down and up again: ${describeDifference(d)}`);
              if (r.reapplyError) output.out(`      up fails when run again after down: ${r.reapplyError}`);
            }
          }
          output.out(failure ? c.red('Rollback verification failed; nothing was changed.') : 'Rollback verification passed; nothing was changed.');
        }
        return failure ? ExitCode.MigrationFailed : ExitCode.Success;
      }
      case 'refreshViews': {
        const only = Array.isArray(opts.refreshViews) ? opts.refreshViews : [];
        const done = await engine.refreshViews(only);
        if (json) output.out(JSON.stringify({ environment: project.environment.name, refreshed: done }, null, 2));
        else if (done.length === 0) output.out('No materialized views to refresh.');
        else {
          for (const v of done) output.out(`  ${v.view} ${c.dim(`${formatDuration(v.durationMs)}${v.concurrently ? ', concurrently' : ''}`)}${v.note ? c.yellow(` — ${v.note}`) : ''}`);
          output.out(c.green(`Refreshed ${plural(done.length, 'materialized view')} on ${where}.`));
        }
        return ExitCode.Success;
      }
      case 'partitions': {
        if (opts.partitions === 'maintain') {
          const changes = await engine.maintainPartitions({ dryRun: !!opts.dryRun });
          if (json) output.out(JSON.stringify({ environment: project.environment.name, changes }, null, 2));
          else if (changes.length === 0) output.out('Partitions are already in shape.');
          else for (const ch of changes) output.out(`  ${ch.action} ${ch.partition} ${c.dim(`(${ch.table}: ${ch.bound})`)}`);
          return ExitCode.Success;
        }
        const tables = await engine.partitions();
        if (json) output.out(JSON.stringify({ environment: project.environment.name, tables }, null, 2));
        else if (tables.length === 0) output.out('No partitioned tables.');
        else {
          for (const t of tables) {
            output.out(`${c.bold(t.table)} ${c.dim(`partitioned by ${t.strategy} ${t.key}`)}`);
            output.out(renderTable(['partition', 'bounds', 'rows (estimate)'], t.partitions.map((pp) => [pp.name, pp.bound, pp.rows === null ? '' : String(pp.rows)]), output.tty));
          }
        }
        return ExitCode.Success;
      }
      case 'perf': {
        const r = await engine.performance();
        if (json) { output.out(JSON.stringify({ environment: project.environment.name, ...r }, null, 2)); return ExitCode.Success; }
        output.out(c.bold(`Top statements (${r.statementsSource})`));
        if (r.statementsNote) output.out(c.dim(`  ${r.statementsNote}`));
        output.out(r.topStatements.length ? renderTable(['total ms', 'calls', 'mean ms', 'rows', 'statement'], r.topStatements.map((t) => [String(t.totalMs), String(t.calls), String(t.meanMs), String(t.rows), t.query.length > 90 ? `${t.query.slice(0, 87)}...` : t.query]), output.tty) : '  none recorded');
        if (r.countersNote) output.out(c.yellow(`Note: ${r.countersNote}`));
        output.out(c.bold('Tables (dead rows = bloat estimate)'));
        output.out(r.tables.length ? renderTable(['table', 'live rows', 'dead rows', 'dead %', 'estimated rows', 'size', 'seq scans', 'index scans'], r.tables.map((t) => [t.table, String(t.liveRows), String(t.deadRows), (t.deadRatio * 100).toFixed(1), String(t.estimatedRows), formatBytes(t.sizeBytes), String(t.seqScans), String(t.indexScans)]), output.tty) : '  none');
        output.out(c.bold('Indexes'));
        output.out(r.indexes.length ? renderTable(['table', 'index', 'scans', 'size'], r.indexes.map((i) => [i.table, i.index, String(i.scans), formatBytes(i.sizeBytes)]), output.tty) : '  none');
        if (r.unusedIndexes.length) output.out(c.yellow(`Never scanned (candidates to drop): ${r.unusedIndexes.map((i) => i.index).join(', ')}`));
        return ExitCode.Success;
      }
      case 'backup': {
        const entry = await engine.backup();
        output.out(json ? JSON.stringify({ backup: entry }, null, 2) : c.green(`Backed up ${where} to ${path.join(path.relative(ctx.cwd ?? process.cwd(), engine.backups.dir) || '.', entry.file)} (${formatBytes(entry.sizeBytes)}).`));
        return ExitCode.Success;
      }
      case 'backups': {
        const list = engine.listBackups();
        if (json) output.out(JSON.stringify({ environment: project.environment.name, directory: engine.backups.dir, backups: list }, null, 2));
        else if (list.length === 0) output.out(`No backups for ${project.environment.name} yet (${path.relative(ctx.cwd ?? process.cwd(), engine.backups.dir) || engine.backups.dir}).`);
        else {
          output.out(renderTable(['id', 'taken', 'reason', 'version', 'size', 'format'], list.map((b) => [
            b.id, formatTime(new Date(b.createdAt)), b.reason, `${b.versionBefore ?? '-'} → ${b.versionAfter ?? '-'}`, formatBytes(b.sizeBytes), b.format,
          ]), output.tty));
        }
        return ExitCode.Success;
      }
      case 'restore': {
        const entry = engine.findBackup(opts.restore!);
        if (!confirmed) {
          const ask = ctx.confirm ?? (process.stdin.isTTY ? terminalConfirm : null);
          const ok = ask ? await ask(`Restore backup ${entry.id} (${entry.createdAt}, version ${entry.versionBefore ?? 'none'}) over ${where}? Everything created since is removed. [y/N] `) : false;
          if (!ok) {
            throw new MigrationError('E_USAGE', `restoring ${entry.id} needs confirmation`, 'answer the prompt with y, or pass --yes');
          }
        }
        const done = await new MigrationEngine(project, engine.db, { confirmed: true, onEvent: json ? undefined : (e) => printEvent(e, output) }).restore(entry.id);
        output.out(json ? JSON.stringify(done, null, 2) : c.green(`Restored ${done.restored.id} on ${where}; the state before was saved as ${done.safety.id}.`));
        return ExitCode.Success;
      }
      case 'markApplied':
      case 'markRolledBack': {
        const s = await engine.resolve(action === 'markApplied' ? opts.markApplied! : opts.markRolledBack!, action === 'markApplied' ? 'applied' : 'rolled-back');
        output.out(json ? JSON.stringify({ resolved: `${s.version}_${s.name}`, state: s.state }, null, 2) : `${s.version}_${s.name} is now ${s.state}.`);
        return ExitCode.Success;
      }
      case 'baseline': {
        const statuses = await engine.baseline(opts.baseline!);
        const n = statuses.filter((x) => x.state === 'applied').length;
        output.out(json ? JSON.stringify({ environment: project.environment.name, migrations: statusJson(statuses) }, null, 2)
          : `Recorded ${plural(n, 'migration')} as applied on ${where} without running them.`);
        return ExitCode.Success;
      }
      case 'repairChecksum': {
        const s = await engine.repairChecksum(opts.repairChecksum!);
        output.out(json ? JSON.stringify({ repaired: `${s.version}_${s.name}`, state: s.state }, null, 2) : `${s.version}_${s.name}: the edited file is now the recorded one (${s.state}).`);
        return ExitCode.Success;
      }
    }
  } finally {
    await engine.db.close();
  }
  return ExitCode.Success;
}

async function confirmIfProtected(project: Project, action: string, opts: CliOptions, ctx: CliContext, output: Output): Promise<boolean> {
  if (opts.yes) return true;
  if (action === 'restore') return false; // always asked, in the restore case itself
  if (!project.environment.settings.protected) return true;
  if (!['up', 'down', 'seed', 'markApplied', 'markRolledBack', 'baseline'].includes(action)) return false;
  const ask = ctx.confirm ?? (process.stdin.isTTY ? terminalConfirm : null);
  if (!ask) return false; // the engine refuses with a message naming --yes
  const ok = await ask(`Environment "${project.environment.name}" is protected. Run --${action} on ${describeTarget(project.environment.target)}? [y/N] `);
  if (!ok) output.err('Cancelled.');
  return ok;
}

async function terminalConfirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function printEvent(e: EngineEvent, output: Output): void {
  const c = colours(output.tty);
  switch (e.type) {
    case 'lock-wait': output.err(c.yellow(`… ${e.message}`)); break;
    case 'migration-done': output.out(`  ${e.direction === 'up' ? '↑' : '↓'} ${e.id} ${c.dim(formatDuration(e.durationMs))}`); break;
    case 'seed-done': output.out(`  • ${e.file} ${c.dim(formatDuration(e.durationMs))}`); break;
    case 'statement-done': output.out(`      line ${e.line} done ${c.dim(formatDuration(e.durationMs))}`); break;
    case 'backup-done': output.out(`  ⛁ backup ${e.entry.id} ${c.dim(`${formatBytes(e.entry.sizeBytes)}, ${e.entry.tool}`)}`); break;
    case 'backup-skipped': output.err(c.yellow(`  ! no backup taken (${e.reason})`)); break;
    default: break;
  }
}

function printDryRun(migrations: MigrationRehearsal[], where: string, json: boolean, output: Output): number {
  const c = colours(output.tty);
  if (json) {
    output.out(JSON.stringify({ dryRun: true, migrations }, null, 2));
    return ExitCode.Success;
  }
  output.out(`Dry run on ${where}: everything below was rolled back.`);
  if (migrations.length === 0) output.out('Nothing to run.');
  for (const m of migrations) {
    output.out(`${m.direction === 'up' ? '↑' : '↓'} ${m.id}`);
    if (!m.statements) {
      output.out(c.yellow(`  not run: it ${m.skippedReason}`));
      continue;
    }
    for (const st of m.statements) {
      const text = st.sql.replace(/\s+/g, ' ').trim();
      output.out(`  line ${st.line}  ${st.durationMs} ms  ${st.rows} row${st.rows === 1 ? '' : 's'}  ${text.length > 70 ? `${text.slice(0, 67)}...` : text}`);
      for (const l of st.locks) output.out(`      ${l.mode === 'AccessExclusiveLock' ? c.red(l.mode) : l.mode} on ${l.object}`);
    }
  }
  return ExitCode.Success;
}

/** Pool and session settings of a server environment, as --status shows them. */
function describePool(project: Project): string | null {
  const s = project.environment.settings;
  if (project.environment.target.kind !== 'postgres') return null;
  const parts = [`pool max ${s.pool?.max ?? 10}`, `idle ${s.pool?.idleTimeoutMillis ?? 10000} ms`, `connect timeout ${s.pool?.connectionTimeoutMillis ?? 10000} ms`,
    `statement_timeout ${s.statementTimeoutMs ?? 'server default'}${s.statementTimeoutMs !== undefined ? ' ms' : ''}`,
    `lock_timeout ${s.lockTimeoutMs ?? 'server default'}${s.lockTimeoutMs !== undefined ? ' ms' : ''}`,
    `application_name ${s.applicationName ?? 'database-migration'}`, `ssl ${s.ssl === undefined ? 'default' : typeof s.ssl === 'boolean' ? String(s.ssl) : 'on'}`];
  return `Connection: ${parts.join(', ')}`;
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function reportError(err: unknown, output: Output, json: boolean): number {
  if (err instanceof MigrationError) {
    if (json) output.out(JSON.stringify({ error: err.toJSON() }, null, 2));
    else output.err(`${colours(output.tty).red('error:')} ${redactText(err.format())}`);
    return err.exitCode;
  }
  const message = redactText(String((err as Error)?.stack ?? err));
  if (json) output.out(JSON.stringify({ error: { code: 'E_INTERNAL', message } }, null, 2));
  else output.err(`internal error (please report it): ${message}`);
  return ExitCode.MigrationFailed;
}
