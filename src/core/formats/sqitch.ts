/**
 * Sqitch projects: the migrations directory holds sqitch.plan and deploy/, revert/ and verify/ scripts named
 * <change>.sql. A change's version is its position in the plan (0001, 0002, ...), its name the change name, its
 * depends the changes it requires. A script's own `BEGIN; ... COMMIT;` is taken off (our runner wraps each
 * migration in a transaction): such a change is transactional. A deploy script without that pair runs as Sqitch
 * runs it, outside a transaction (so CREATE INDEX CONCURRENTLY works there); so does a change whose revert script
 * has no pair. A missing revert script makes the change irreversible; a verify script runs in --verify.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSqlText } from '../discovery';
import { MigrationError } from '../errors';
import { checksumSql, readLeadingDirectives, type HeaderDirectives, type MigrationFile } from '../migration-file';
import { shownPath } from './read-dir';
import { parseSqitchPlan, type SqitchChange, type SqitchPlan } from './sqitch-plan';
import type { FormatOptions, FormatRead, FormatWarning, MigrationFormat } from './types';
import { unwrapTransaction } from './transaction-wrapper';

export const PLAN_FILE = 'sqitch.plan';
type ScriptKind = 'deploy' | 'revert' | 'verify';
/** Comment keys Sqitch's templates write ("-- requires: users"): comments, never misspelled directives. */
const SQITCH_COMMENT_KEYS = ['requires', 'conflicts'];

interface Script {
  sql: string;
  file: string;
  wrapped: boolean;
  header: HeaderDirectives;
}

/** The version of the change at `index` in the plan: its position, zero-padded so file listings sort. */
export function sqitchVersion(index: number): string {
  return String(index + 1).padStart(4, '0');
}

/** One script's text as it runs: BOM and CRs gone, its own BEGIN/COMMIT (or, for verify, BEGIN/ROLLBACK) blanked. */
export function readSqitchScript(text: string, file: string, kind: ScriptKind): Script {
  const src = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const lines = src.split('\n');
  const header = readLeadingDirectives(lines, file, 0, lines.length, SQITCH_COMMENT_KEYS);
  const u = unwrapTransaction(src, kind === 'verify');
  if (u.unpairedLine !== undefined) {
    throw new MigrationError('E_BAD_DIRECTIVE', `the ${kind} script has only one half of its BEGIN ... COMMIT pair`,
      `wrap the whole script in "BEGIN;" ... "${kind === 'verify' ? 'ROLLBACK' : 'COMMIT'};" (first and last statement), or remove both`, { file, line: u.unpairedLine });
  }
  return { sql: u.sql, file, wrapped: u.wrapped, header };
}

function scriptPath(dir: string, kind: ScriptKind, change: Pick<SqitchChange, 'scriptName'>): string {
  return path.join(dir, kind, `${change.scriptName}.sql`);
}

function readScript(dir: string, kind: ScriptKind, change: SqitchChange, options: FormatOptions): Script | null {
  const full = scriptPath(dir, kind, change);
  if (!fs.existsSync(full)) return null;
  const file = shownPath(full, options);
  return readSqitchScript(readSqlText(full, file), file, kind);
}

/** The plan of a Sqitch directory (reworked changes' scripts resolved against the files there). */
export function readSqitchPlan(dir: string, options: FormatOptions): SqitchPlan {
  const full = path.join(dir, PLAN_FILE);
  const file = shownPath(full, options);
  const exists = (name: string, tag: string) => fs.existsSync(path.join(dir, 'deploy', `${name}@${tag}.sql`));
  return parseSqitchPlan(readSqlText(full, file), file, exists);
}

function toMigration(plan: SqitchPlan, index: number, deploy: Script, revert: Script | null, verify: Script | null): MigrationFile {
  const change = plan.changes[index]!;
  const header = deploy.header;
  const ids = change.requires.map((i) => `${sqitchVersion(i)}_${plan.changes[i]!.name}`);
  return {
    version: sqitchVersion(index),
    name: change.name,
    file: deploy.file,
    up: deploy.sql,
    down: revert ? revert.sql : null,
    upLine: 1,
    downLine: revert ? 1 : null,
    depends: [...ids, ...header.depends],
    transactional: header.transactional && deploy.wrapped && (revert === null || (revert.wrapped && revert.header.transactional)),
    environments: header.environments,
    checksum: checksumSql(deploy.sql),
    format: 'sqitch',
    ...(revert ? { downFile: revert.file } : {}),
    verify: verify ? { sql: verify.sql, file: verify.file, line: 1 } : null,
  };
}

/** Deploy scripts no plan line names: Sqitch never runs them, so neither do we (a warning says so). */
function unplannedScripts(dir: string, plan: SqitchPlan, options: FormatOptions): FormatWarning[] {
  const planned = new Set(plan.changes.map((c) => `${c.scriptName}.sql`));
  const out: FormatWarning[] = [];
  const walk = (sub: string) => {
    const here = path.join(dir, 'deploy', sub);
    if (!fs.existsSync(here)) return;
    for (const e of fs.readdirSync(here, { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.sql') && !planned.has(rel) && !/@[^/]+\.sql$/.test(rel)) {
        out.push({ file: shownPath(path.join(here, e.name), options), message: `deploy script ${rel} is not in ${PLAN_FILE}, so it is not run`,
          hint: `add the change to ${PLAN_FILE} (sqitch add), or remove the script` });
      }
    }
  };
  walk('');
  return out;
}

function read(dir: string, options: FormatOptions): FormatRead {
  if (!fs.existsSync(path.join(dir, PLAN_FILE))) {
    throw new MigrationError('E_BAD_PLAN', `no ${PLAN_FILE} in ${shownPath(dir, options)}`,
      'a Sqitch project keeps its plan there (sqitch init writes it); set "format" in database-migration.config.json if this is not a Sqitch project',
      { file: shownPath(path.join(dir, PLAN_FILE), options) });
  }
  const plan = readSqitchPlan(dir, options);
  const planFile = shownPath(path.join(dir, PLAN_FILE), options);
  const migrations = plan.changes.map((change, i) => {
    const deploy = readScript(dir, 'deploy', change, options);
    if (!deploy) {
      throw new MigrationError('E_BAD_PLAN', `change "${change.name}" has no deploy script ${shownPath(scriptPath(dir, 'deploy', change), options)}`,
        `write the deploy script, or remove the change from ${PLAN_FILE}`, { file: planFile, line: change.line });
    }
    return toMigration(plan, i, deploy, readScript(dir, 'revert', change, options), readScript(dir, 'verify', change, options));
  });
  return { migrations, warnings: unplannedScripts(dir, plan, options) };
}

/** Where a script lies: its kind and change name from the path ("deploy/foo/bar.sql": deploy, "foo/bar"), or null. */
export function sqitchScriptOf(file: string): { kind: ScriptKind; name: string } | null {
  const parts = file.split(/[\\/]/);
  for (let i = parts.length - 2; i >= 0; i--) {
    const kind = parts[i];
    if (kind === 'deploy' || kind === 'revert' || kind === 'verify') {
      return { kind, name: parts.slice(i + 1).join('/').replace(/\.sql$/i, '') };
    }
  }
  return null;
}

/** One deploy or revert script for --lint and the editor: with the plan and its companion script when `options.dir` has them. */
function parseText(text: string, file: string, _baseName: string, options: FormatOptions): MigrationFile | null {
  const where = sqitchScriptOf(file);
  if (!where || where.kind === 'verify') return null; // verify scripts are plain scripts
  const script = readSqitchScript(text, file, where.kind);
  const plan = options.dir && fs.existsSync(path.join(options.dir, PLAN_FILE)) ? readSqitchPlan(options.dir, options) : null;
  let index = -1;
  if (plan) for (let i = plan.changes.length - 1; i >= 0 && index === -1; i--) if (plan.changes[i]!.scriptName === where.name) index = i;
  const change: SqitchChange = index === -1
    ? { name: where.name, line: 0, requires: [], requiresText: [], scriptName: where.name, planner: '', timestamp: '', note: '' }
    : plan!.changes[index]!;
  const thePlan: SqitchPlan = index === -1 ? { project: null, syntaxVersion: null, changes: [change], tags: [] } : plan!;
  const at = index === -1 ? 0 : index;
  if (where.kind === 'revert') {
    const m = toMigration(thePlan, at, { ...script, sql: '' }, script, null);
    return { ...m, file, up: '', downFile: undefined };
  }
  const revert = options.dir ? readScript(options.dir, 'revert', change, options) : null;
  return toMigration(thePlan, at, script, revert, null);
}

export const sqitchFormat: MigrationFormat = {
  name: 'sqitch',
  detect(names) {
    // The plan file is what makes a Sqitch project: it beats any number of other names.
    return names.includes(PLAN_FILE) ? 1000 : 0;
  },
  read,
  parseText,
  ownsPath: (rel) => rel.startsWith('deploy/') || rel.startsWith('revert/'),
};
