/**
 * Lint comparison with squawk (squawk-cli): per rule, do both linters report the same statements?
 *
 *   npm run bench:lint-agreement      (or node out/bench/lint-agreement.js [--examples N])
 *
 * Corpora (every file in each): the rule fixtures (test/fixtures/lint/<rule>/{bad,good}.sql), small generated
 * cases per shared rule (bench/lint-corpus.ts ruleCases: bad and good, new and existing tables, in and out of a
 * transaction), the realistic generated history (bench/lint-corpus.ts) and the NASA example (examples/).
 *
 * What each linter sees. Ours lints each file in-process as `--lint` does (lintText; asMigration for NNN_name.sql
 * files) and only findings in the up section (or a plain script) count: squawk knows nothing of down sections, so
 * it is given a copy of each file whose down section (from the "-- Down migration" marker on) is blanked out, line
 * for line, so that line numbers stay the file's. Files that run in a transaction (no `-- transaction: none`) are
 * linted by squawk with --assume-in-transaction, the others without; plain scripts without it. Both target
 * PostgreSQL 15 (our default; squawk --pg-version 15). Every shared rule is switched on in squawk (--include), so
 * squawk's opt-in rules count too.
 *
 * Shared rules are found, not listed: each of our rule ids that squawk accepts as a rule name (squawk rejects an
 * unknown name in --exclude). A finding is keyed by (file, rule, first line of its statement): squawk reports the
 * position of a node, which is mapped to the statement (split by our parser) that contains it. Per shared rule the
 * table counts keys both report, keys only we report and keys only squawk reports.
 *
 * A disagreement is matched against the table of known differences in bench/lint-agreement-known.ts (each entry says
 * why, and recognises its case from the parse tree): "intended" (a deliberate difference) or "known gap" (squawk is
 * right and ours does not report it yet; listed so it is not forgotten). A disagreement no entry matches is
 * "unexplained": the script lists examples of every kind and exits 1 when any shared rule has an unexplained
 * disagreement, so it can gate a change to the rules (run it by hand or in CI). Switching any one shared rule off
 * turns every finding it agreed on into an unexplained disagreement (checked when the table was written), so the
 * table does not hide a rule that stops reporting. Figures go to bench/results.json ("lintAgreement") and to the
 * "lint-agreement" section of BENCHMARKS.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PEER_BIN_DIR, REPO, run, runBenchmark, tempDir, writeResults, writeSection } from './common';
import { writeRealisticCorpus, writeRuleCaseCorpus } from './lint-corpus';
import { explain, type DisagreementContext } from './lint-agreement-known';
import { isMigrationError } from '../src/core/errors';
import { parseMigrationFile } from '../src/core/migration-file';
import { lintTextSync } from '../src/lint/linter';
import { ALL_RULES } from '../src/lint/rules';
import { loadParser, type Parser } from '../src/sql/parser';
import { byteToCharMapper, parseScriptSync, type ParsedStatement } from '../src/sql/parse';

const SQUAWK = path.join(PEER_BIN_DIR, 'squawk');
const PG_VERSION = 15;
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'lint');
const NASA = path.join(REPO, 'examples', 'nasa-portal', 'migrations');
const REALISTIC_FILES = 20;
const REALISTIC_STATEMENTS = 25;

/** squawk's names for findings whose rule we spell differently (squawk accepts both spellings as rule names). */
const SQUAWK_ALIASES: Record<string, string> = { 'prefer-timestamp-tz': 'prefer-timestamptz' };
/** Findings both linters report that are not rules squawk lets one exclude: a statement the parser rejects. */
const ALWAYS_SHARED = ['syntax-error'];
/**
 * Rules whose finding is about the file, not a statement: "no lock_timeout before the first statement that needs
 * one", "a BEGIN never committed" are reported once per file, at whichever statement each linter picks (the first
 * statement that needs a timeout; the first or the last open BEGIN). Keyed by file alone.
 */
const PER_FILE = new Set(['require-lock-timeout', 'require-statement-timeout', 'ban-uncommitted-transaction']);

/** One linted file: what ours reads, what squawk is given, and the statements both are keyed by. */
export interface CorpusFile {
  corpus: string;
  /** corpus/name: unique, used as the file name in both linters' findings. */
  id: string;
  text: string;
  isMigration: boolean;
  transactional: boolean;
  /** The text squawk reads: the file with its down section blanked (same line count). */
  squawkText: string;
  /** File line of the first line of the linted section (the up section, or 1 for a script). */
  baseLine: number;
  sectionText: string;
  statements: ParsedStatement[];
  /** The down section's statements (empty for a script or a file without one). */
  downStatements: ParsedStatement[];
}

interface Finding { rule: string; line: number; message: string }

// ---------- corpus ---------------------------------------------------------------------------------------------

function readCorpora(dir: string): { corpus: string; name: string; text: string }[] {
  const out: { corpus: string; name: string; text: string }[] = [];
  for (const rule of fs.readdirSync(FIXTURES).sort()) {
    for (const kind of ['bad', 'good']) {
      const file = path.join(FIXTURES, rule, `${kind}.sql`);
      // Named like a migration so that ours reads it exactly as --lint reads a migrations directory.
      if (fs.existsSync(file)) out.push({ corpus: 'fixtures', name: `${String(out.length + 1).padStart(4, '0')}_${rule.replace(/-/g, '_')}_${kind}.sql`, text: fs.readFileSync(file, 'utf8') });
    }
  }
  const cases = path.join(dir, 'cases');
  writeRuleCaseCorpus(cases);
  const realistic = path.join(dir, 'realistic');
  writeRealisticCorpus(realistic, REALISTIC_FILES, REALISTIC_STATEMENTS);
  for (const [corpus, d] of [['cases', cases], ['realistic', realistic], ['nasa', NASA]] as const) {
    for (const name of fs.readdirSync(d).filter((f) => f.endsWith('.sql')).sort()) out.push({ corpus, name, text: fs.readFileSync(path.join(d, name), 'utf8') });
  }
  return out;
}

function prepare(parser: Parser, corpus: string, name: string, text: string): CorpusFile {
  const id = `${corpus}/${name}`;
  const lines = text.split('\n');
  try {
    const m = parseMigrationFile(text, id, name);
    // From the down marker (the line before downLine) on, every line is emptied.
    const cut = m.downLine === null ? lines.length : m.downLine - 2;
    const squawkText = lines.map((l, i) => (i < cut ? l : '')).join('\n');
    return {
      corpus, id, text, isMigration: true, transactional: m.transactional, squawkText, baseLine: m.upLine, sectionText: m.up,
      statements: parseScriptSync(parser, m.up), downStatements: m.down ? parseScriptSync(parser, m.down) : [],
    };
  } catch (err) {
    if (!isMigrationError(err)) throw err;
    return { corpus, id, text, isMigration: false, transactional: false, squawkText: text, baseLine: 1, sectionText: text, statements: parseScriptSync(parser, text), downStatements: [] };
  }
}

// ---------- the two linters ---------------------------------------------------------------------------------------

/** Our rule ids that squawk knows: squawk refuses an unknown rule name in --exclude. */
async function sharedRules(probe: string): Promise<string[]> {
  const shared: string[] = [];
  for (const rule of ALL_RULES) {
    const r = await run(SQUAWK, [`--exclude=${rule.id}`, probe], { okCodes: [0, 1, 2] });
    if (r.code === 0 || ALWAYS_SHARED.includes(rule.id)) shared.push(rule.id);
  }
  return shared;
}

function oursFindings(parser: Parser, f: CorpusFile): Finding[] {
  return lintTextSync(parser, f.text, f.id, { asMigration: f.isMigration, postgresVersion: PG_VERSION })
    .filter((x) => x.section === 'up' || x.section === 'script')
    .map((x) => ({ rule: x.ruleId, line: x.statementLine ?? x.line, message: x.message }));
}

interface SquawkJson { file: string; line: number; column: number; rule_name: string; message: string }

/** Runs squawk over the files (in and out of a transaction separately) and keys each finding by its statement's line. */
async function squawkFindings(files: CorpusFile[], shared: string[], dir: string): Promise<Map<string, Finding[]>> {
  const out = new Map<string, Finding[]>(files.map((f) => [f.id, []]));
  const byPath = new Map<string, CorpusFile>();
  for (const inTransaction of [true, false]) {
    const group = files.filter((f) => f.transactional === inTransaction);
    if (group.length === 0) continue;
    const sub = path.join(dir, inTransaction ? 'squawk-tx' : 'squawk-notx');
    fs.mkdirSync(sub, { recursive: true });
    const paths = group.map((f) => {
      const p = path.join(sub, f.id.replace('/', '__'));
      fs.writeFileSync(p, f.squawkText);
      byPath.set(p, f);
      return p;
    });
    const args = ['--reporter', 'json', `--pg-version=${PG_VERSION}`, `--include=${shared.filter((r) => !ALWAYS_SHARED.includes(r)).join(',')}`, ...(inTransaction ? ['--assume-in-transaction'] : []), ...paths];
    const r = await run(SQUAWK, args, { okCodes: [0, 1] });
    for (const s of JSON.parse(r.stdout || '[]') as SquawkJson[]) {
      const f = byPath.get(s.file) ?? byPath.get(path.resolve(s.file));
      if (!f) throw new Error(`squawk reported a file it was not given: ${s.file}`);
      out.get(f.id)!.push({ rule: SQUAWK_ALIASES[s.rule_name] ?? s.rule_name, line: statementLineAt(f, s.line + 1, s.column), message: s.message });
    }
  }
  return out;
}

/** The file line of the statement holding a squawk position (1-based line, 0-based UTF-8 byte column). */
function statementLineAt(f: CorpusFile, line: number, byteColumn: number): number {
  const stmt = statementAt(f, line, byteColumn);
  return stmt ? f.baseLine + stmt.line - 1 : line;
}

export function statementAt(f: CorpusFile, line: number, byteColumn: number): ParsedStatement | null {
  const sectionLine = line - f.baseLine;
  const lines = f.sectionText.split('\n');
  if (sectionLine < 0 || sectionLine >= lines.length) return null;
  let offset = 0;
  for (let i = 0; i < sectionLine; i++) offset += lines[i]!.length + 1;
  offset += byteToCharMapper(lines[sectionLine]!)(byteColumn);
  let best: ParsedStatement | null = null;
  for (const s of f.statements) {
    if (s.start <= offset) best = s;
    if (s.start <= offset && offset < s.end) return s;
  }
  return best ?? f.statements[0] ?? null;
}

// ---------- comparison -------------------------------------------------------------------------------------------

export interface Disagreement { file: CorpusFile; line: number; side: 'ours' | 'squawk'; message: string; known: { kind: 'intended' | 'gap'; reason: string } | null }

export interface RuleFigures { agree: number; oursOnly: number; squawkOnly: number; intended: number; gaps: number; unexplained: number; disagreements: Disagreement[] }

function compare(files: CorpusFile[], ours: Map<string, Finding[]>, theirs: Map<string, Finding[]>, shared: string[]): Map<string, RuleFigures> {
  const figures = new Map<string, RuleFigures>(shared.map((r) => [r, { agree: 0, oursOnly: 0, squawkOnly: 0, intended: 0, gaps: 0, unexplained: 0, disagreements: [] }]));
  for (const f of files) {
    for (const rule of shared) {
      const key = (x: Finding): number => (PER_FILE.has(rule) ? 0 : x.line);
      // The first finding of each key (a statement with two int columns is one key).
      const keyed = (list: Finding[]) => {
        const m = new Map<number, Finding>();
        for (const x of list) if (x.rule === rule && !m.has(key(x))) m.set(key(x), x);
        return m;
      };
      const a = keyed(ours.get(f.id)!);
      const b = keyed(theirs.get(f.id)!);
      const fig = figures.get(rule)!;
      for (const [k, x] of a) {
        if (b.has(k)) fig.agree++;
        else { fig.oursOnly++; record(fig, f, rule, x.line, 'ours', x.message, ours.get(f.id)!); }
      }
      for (const [k, x] of b) {
        if (!a.has(k)) { fig.squawkOnly++; record(fig, f, rule, x.line, 'squawk', x.message, ours.get(f.id)!); }
      }
    }
  }
  return figures;
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function record(fig: RuleFigures, file: CorpusFile, rule: string, line: number, side: 'ours' | 'squawk', message: string, oursInFile: Finding[]): void {
  // A finding inside a body (DO, CREATE FUNCTION) is on a line within its statement, not on its first line.
  const statement = file.statements.find((s) => file.baseLine + s.line - 1 === line)
    ?? file.statements.find((s) => file.baseLine + s.line - 1 < line && line <= file.baseLine + s.line - 1 + lineCount(s.text) - 1) ?? null;
  const oursAt = new Set(oursInFile.filter((x) => x.line === line).map((x) => x.rule));
  const ctx: DisagreementContext = { rule, side, file, statement, before: statement ? file.statements.slice(0, statement.index) : [], oursAt };
  const known = explain(ctx);
  if (!known) fig.unexplained++;
  else if (known.kind === 'gap') fig.gaps++;
  else fig.intended++;
  fig.disagreements.push({ file, line, side, message, known });
}

// ---------- report -----------------------------------------------------------------------------------------------

function totals(figures: Map<string, RuleFigures>): RuleFigures {
  const t: RuleFigures = { agree: 0, oursOnly: 0, squawkOnly: 0, intended: 0, gaps: 0, unexplained: 0, disagreements: [] };
  for (const f of figures.values()) {
    t.agree += f.agree; t.oursOnly += f.oursOnly; t.squawkOnly += f.squawkOnly; t.intended += f.intended; t.gaps += f.gaps; t.unexplained += f.unexplained;
  }
  return t;
}

const pct = (agree: number, total: number): string => (total === 0 ? '—' : `${((agree / total) * 100).toFixed(1)}%`);

function table(figures: Map<string, RuleFigures>): string {
  const rows = ['| rule (shared) | agreeing | ours only | squawk only | agreement | intended | known gap | unexplained |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const [rule, f] of [...figures].sort((x, y) => x[0].localeCompare(y[0]))) {
    rows.push(`| ${rule} | ${f.agree} | ${f.oursOnly} | ${f.squawkOnly} | ${pct(f.agree, f.agree + f.oursOnly + f.squawkOnly)} | ${f.intended} | ${f.gaps} | ${f.unexplained} |`);
  }
  const total = totals(figures);
  rows.push(`| **all shared rules** | **${total.agree}** | **${total.oursOnly}** | **${total.squawkOnly}** | **${pct(total.agree, total.agree + total.oursOnly + total.squawkOnly)}** | **${total.intended}** | **${total.gaps}** | **${total.unexplained}** |`);
  return rows.join('\n');
}

function countTable(counts: Map<string, number>, title: string): string {
  if (counts.size === 0) return `| ${title} | findings |\n|---|---:|\n| (none) | 0 |`;
  return [`| ${title} | findings |`, '|---|---:|', ...[...counts].sort((a, b) => b[1] - a[1]).map(([r, n]) => `| ${r} | ${n} |`)].join('\n');
}

function statementText(d: Disagreement): string {
  const s = d.file.statements.find((x) => d.file.baseLine + x.line - 1 === d.line);
  const text = (s?.text ?? d.file.text.split('\n')[d.line - 1] ?? '').replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** Up to perRule disagreements of each rule whose classification is `kind` (null: unexplained), with the statement. */
function examples(figures: Map<string, RuleFigures>, perRule: number, kind: 'intended' | 'gap' | null): string[] {
  const out: string[] = [];
  for (const [rule, f] of [...figures].sort((x, y) => x[0].localeCompare(y[0]))) {
    const list = f.disagreements.filter((d) => (d.known?.kind ?? null) === kind);
    if (list.length === 0) continue;
    out.push(`- **${rule}** (${list.length})`);
    for (const d of list.slice(0, perRule)) {
      out.push(`  - ${d.side} only, ${d.file.id}:${d.line}${d.known ? ` — ${d.known.reason}` : ''}: \`${statementText(d).replace(/`/g, "'")}\``);
      if (!d.known) out.push(`    - ${d.side}: ${d.message.replace(/\s+/g, ' ')}`);
    }
  }
  return out.length > 0 ? out : ['None.'];
}

/** Disagreements per known reason: how many, on which rules, which side reports them. */
function reasonTable(figures: Map<string, RuleFigures>): string {
  const rows = new Map<string, { side: string; kind: string; rules: Set<string>; n: number }>();
  for (const [rule, f] of figures) {
    for (const d of f.disagreements) {
      if (!d.known) continue;
      const key = `${d.side}\0${d.known.reason}`;
      const row = rows.get(key) ?? { side: d.side, kind: d.known.kind, rules: new Set<string>(), n: 0 };
      row.rules.add(rule);
      row.n++;
      rows.set(key, row);
    }
  }
  const out = ['| reported by | why the other does not | kind | rules | disagreements |', '|---|---|---|---|---:|'];
  for (const [key, r] of [...rows].sort((a, b) => b[1].n - a[1].n)) {
    out.push(`| ${r.side} only | ${key.split('\0')[1]} | ${r.kind} | ${[...r.rules].sort().join(', ')} | ${r.n} |`);
  }
  return out.join('\n');
}

function extraCounts(findings: Map<string, Finding[]>, shared: Set<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const list of findings.values()) for (const f of list) if (!shared.has(f.rule)) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1);
  return counts;
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const perRule = argValue('--examples', 5);
  const parser = await loadParser();
  const dir = tempDir('lint-agreement');
  try {
    const probe = path.join(dir, 'probe.sql');
    fs.writeFileSync(probe, 'SELECT 1;\n');
    const shared = await sharedRules(probe);
    const files = readCorpora(dir).map((c) => prepare(parser, c.corpus, c.name, c.text));
    const ours = new Map(files.map((f) => [f.id, oursFindings(parser, f)]));
    const theirs = await squawkFindings(files, shared, dir);
    const figures = compare(files, ours, theirs, shared);
    const sharedSet = new Set(shared);
    const corpora = [...new Set(files.map((f) => f.corpus))].map((c) => {
      const list = files.filter((f) => f.corpus === c);
      return `${c}: ${list.length} files, ${list.reduce((n, f) => n + f.statements.length, 0)} statements`;
    }).join('; ');
    const unexplained = totals(figures).unexplained;
    const version = (await run(SQUAWK, ['--version'])).stdout.trim();
    const doc = [
      '## Lint: agreement with squawk per rule',
      '',
      `${version}, \`--pg-version ${PG_VERSION}\`; ours at the same commit, in-process. Corpora — ${corpora}.`,
      `Findings are keyed by (file, rule, first line of the statement) — ${[...PER_FILE].join(', ')} by file, as both linters report them once per file; only up sections count (squawk is given each file with its down section blanked). Transactional migrations are linted by squawk with \`--assume-in-transaction\`. Produced by \`npm run bench:lint-agreement\` (bench/lint-agreement.ts); known differences are listed, with their reasons, in bench/lint-agreement-known.ts.`,
      '',
      table(figures),
      '',
      `Unexplained disagreements: **${unexplained}**.`,
      '',
      '### Disagreements by reason (bench/lint-agreement-known.ts)',
      '',
      reasonTable(figures),
      '',
      '### Rules only one linter has (findings on the same corpora)',
      '',
      countTable(extraCounts(ours, sharedSet), 'ours only'),
      '',
      countTable(extraCounts(theirs, sharedSet), 'squawk only'),
      '',
      '### Unexplained disagreements (examples)',
      '',
      ...examples(figures, perRule, null),
      '',
      '### Known gaps: squawk reports it and ours does not yet (examples)',
      '',
      ...examples(figures, perRule, 'gap'),
      '',
      '### Intended differences (examples)',
      '',
      ...examples(figures, Math.min(perRule, 2), 'intended'),
    ].join('\n');
    console.log(doc);
    writeSection('lint-agreement', doc);
    writeResults({
      lintAgreement: Object.fromEntries([...[...figures].sort((x, y) => x[0].localeCompare(y[0])), ['all shared rules', totals(figures)] as const]
        .map(([rule, f]) => [rule, { agree: f.agree, oursOnly: f.oursOnly, squawkOnly: f.squawkOnly, intended: f.intended, knownGaps: f.gaps, unexplained: f.unexplained }])),
    });
    if (unexplained > 0) {
      console.error(`${unexplained} unexplained disagreement(s) with squawk on shared rules`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runBenchmark(main);
