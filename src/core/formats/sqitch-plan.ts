/**
 * Sqitch's plan file (sqitch.plan): pragmas (%syntax-version, %project, %uri), change lines
 * `name [deps] timestamp planner <email> # note`, tag lines `@tag timestamp planner <email> # note`, comments
 * (#) and blank lines. Reworked changes (a name planned again after a tag) are supported: the earlier instance's
 * scripts are the `name@tag.sql` ones. Refused, naming the plan line: a syntax version other than 1.x, revert
 * lines ("-name"), cross-project dependencies ("other:change"), a dependency on a change not planned before, and a
 * conflict ("!name") with a change planned before (in a plan without revert lines that change is always deployed,
 * so Sqitch could never deploy this one). A conflict with a change planned later always holds: it is accepted.
 * Pure: text in, plan out.
 */
import { MigrationError } from '../errors';

export interface SqitchChange {
  name: string;
  /** 1-based line of the plan. */
  line: number;
  /** Indexes (in `changes`) of the changes this one requires. */
  requires: number[];
  /** The requirements as written, for messages ("users", "users@v1.0"). */
  requiresText: string[];
  /** The name its scripts are found under: `name`, or `name@tag` for an instance reworked later. */
  scriptName: string;
  planner: string;
  timestamp: string;
  note: string;
}

export interface SqitchTag {
  name: string;
  line: number;
  /** Index of the change it follows. */
  change: number;
}

export interface SqitchPlan {
  project: string | null;
  syntaxVersion: string | null;
  changes: SqitchChange[];
  tags: SqitchTag[];
}

const CHANGE_LINE = /^([+-])?([^\s[\]]+)(?:\s+\[([^\]]*)\])?\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s+([^<]*?)\s*<([^>]*)>\s*(?:#\s?(.*))?$/;
const TAG_LINE = /^@([^\s]+)\s+(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s+([^<]*?)\s*<([^>]*)>\s*(?:#\s?(.*))?$/;
const FORMAT_HINT = 'a change line is "name [dependencies] 2024-01-31T12:00:00Z Planner Name <planner@example.com> # note"; a tag line starts with "@"';

function planError(message: string, hint: string, file: string, line: number): MigrationError {
  return new MigrationError('E_BAD_PLAN', message, hint, { file, line });
}

/** Sqitch's rules for a change or tag name: no blanks, no ":" "@" "#" "\", no punctuation first or last. */
function checkName(name: string, what: 'change' | 'tag', file: string, line: number): void {
  const punct = /[!-/:-@[-^`{-~]/; // ASCII punctuation except "_"
  const bad = /[:@#\\]/.test(name) || punct.test(name[0]!) || punct.test(name[name.length - 1]!) || /[~^/=%]\d+$/.test(name)
    || (what === 'tag' && name.includes('/'));
  if (bad) {
    throw planError(`"${name}" is not a valid Sqitch ${what} name`,
      'names have no blanks and no ":", "@", "#" or "\\", and do not start or end with punctuation', file, line);
  }
}

function readPragma(text: string, plan: SqitchPlan, file: string, line: number): void {
  const m = /^%\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(text);
  if (!m) throw planError(`"${text}" is not a plan pragma`, 'write pragmas as "%name=value", e.g. "%project=nasa_portal"', file, line);
  const key = m[1]!.toLowerCase();
  if (key === 'syntax-version') {
    if (!/^1(\.\d+)*$/.test(m[2]!)) {
      throw planError(`plan syntax version ${m[2]} is not supported`, 'this tool reads Sqitch plans of syntax version 1.x (%syntax-version=1.0.0)', file, line);
    }
    plan.syntaxVersion = m[2]!;
  } else if (key === 'project') plan.project = m[2]!;
  // Other pragmas (%uri, ...) describe the project; Sqitch ignores the ones it does not know, and so do we.
}

/** The index of the change a requirement names, as of the plan position `before` (or of a tag). */
function resolveRequirement(dep: string, plan: SqitchPlan, before: number, file: string, line: number): number {
  let name = dep;
  let limit = before;
  const colon = dep.indexOf(':');
  if (colon !== -1) {
    const project = dep.slice(0, colon);
    if (project !== plan.project) {
      throw planError(`dependency "${dep}" names a change of another Sqitch project ("${project}")`,
        'cross-project dependencies are not supported: deploy that project first with its own tool, and remove the dependency from this plan', file, line);
    }
    name = dep.slice(colon + 1);
  }
  const at = name.indexOf('@');
  if (at !== -1) {
    const tagName = name.slice(at + 1);
    const tag = plan.tags.find((t) => t.name === tagName);
    if (!tag) throw planError(`dependency "${dep}" names tag @${tagName}, which is not in the plan before this change`, 'tag the change first, or depend on the change by name', file, line);
    limit = Math.min(limit, tag.change + 1);
    name = name.slice(0, at);
    if (name === '') return tag.change; // "@tag": the change the tag is on
  }
  for (let i = limit - 1; i >= 0; i--) if (plan.changes[i]!.name === name) return i;
  throw planError(`dependency "${dep}" is not a change planned before this one`,
    'list the required change above this line in sqitch.plan (dependencies must be deployed first), or fix its name', file, line);
}

function readChange(m: RegExpExecArray, plan: SqitchPlan, file: string, line: number): void {
  const [, op, name, deps, timestamp, planner, email, note] = m;
  if (op === '-') {
    throw planError(`revert line "-${name}" is not supported`,
      'remove the line and the change it reverts from sqitch.plan; to undo a change, plan a new change that reverses it', file, line);
  }
  checkName(name!, 'change', file, line);
  const index = plan.changes.length;
  const requires: number[] = [];
  const requiresText: string[] = [];
  for (const dep of (deps ?? '').split(/\s+/).filter((d) => d.length > 0)) {
    if (dep.startsWith('!')) {
      const other = dep.slice(1);
      const planned = plan.changes.some((c) => c.name === other || `${plan.project}:${c.name}` === other);
      if (planned) {
        throw planError(`change "${name}" conflicts with "${other}", which is planned before it and so always deployed`,
          'Sqitch would refuse to deploy it too: remove the conflict, or the change', file, line);
      }
      continue; // a conflict with a later change always holds when changes deploy in plan order
    }
    requires.push(resolveRequirement(dep, plan, index, file, line));
    requiresText.push(dep);
  }
  plan.changes.push({ name: name!, line, requires, requiresText, scriptName: name!, planner: `${planner} <${email}>`, timestamp: timestamp!, note: note ?? '' });
}

/** Reworked changes: each earlier instance takes the name@tag of the first tag after it (its scripts' names). */
function nameReworkedScripts(plan: SqitchPlan, tagExists: (name: string, tag: string) => boolean, file: string): void {
  plan.changes.forEach((c, i) => {
    const later = plan.changes.findIndex((x, j) => j > i && x.name === c.name);
    if (later === -1) return;
    const between = plan.tags.filter((t) => t.change >= i && t.change < later);
    if (between.length === 0) {
      throw planError(`change "${c.name}" is planned twice with no tag between (lines ${c.line} and ${plan.changes[later]!.line})`,
        'tag the first one (sqitch tag) before reworking it, as Sqitch requires', file, plan.changes[later]!.line);
    }
    const tag = between.find((t) => tagExists(c.name, t.name)) ?? between[0]!;
    c.scriptName = `${c.name}@${tag.name}`;
  });
}

/**
 * Parses a plan. `tagExists(name, tag)` says whether deploy/name@tag.sql exists, to pick a reworked change's
 * scripts as Sqitch does (the first tag after it that has them); by default the first tag after it.
 */
export function parseSqitchPlan(text: string, file: string, tagExists: (name: string, tag: string) => boolean = () => false): SqitchPlan {
  const plan: SqitchPlan = { project: null, syntaxVersion: null, changes: [], tags: [] };
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    if (t.startsWith('%')) return readPragma(t, plan, file, line);
    if (t.startsWith('@')) {
      const m = TAG_LINE.exec(t);
      if (!m) throw planError(`"${t}" is not a tag line`, FORMAT_HINT, file, line);
      checkName(m[1]!, 'tag', file, line);
      if (plan.changes.length === 0) throw planError(`tag @${m[1]} comes before any change`, 'a tag marks the change above it: move it below one', file, line);
      if (plan.tags.some((x) => x.name === m[1])) throw planError(`tag @${m[1]} is in the plan twice`, 'give each tag a unique name', file, line);
      plan.tags.push({ name: m[1]!, line, change: plan.changes.length - 1 });
      return;
    }
    const m = CHANGE_LINE.exec(t);
    if (!m) throw planError(`"${t}" is not a change line`, FORMAT_HINT, file, line);
    readChange(m, plan, file, line);
  });
  if (plan.changes.length > 0 && plan.project === null) {
    throw planError('the plan has no %project pragma', 'add "%project=<name>" at the top of sqitch.plan (sqitch init writes it)', file, 1);
  }
  nameReworkedScripts(plan, tagExists, file);
  return plan;
}
