/**
 * The language server's pure parts (src/lint/lsp/convert.ts, projects.ts): findings -> LSP diagnostics, code
 * actions, hovers and completions, and which project a file belongs to. The server over stdio is tested in
 * test/integration/lsp.test.ts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, Range, TextEdit } from 'vscode-languageserver/node';
import { lintText } from '../../src/lint/linter';
import { codeActions, completions, hoverAt, lineLengths, rangesMeet, requestedDiagnostics, RuleDocs, RULES_DOC_URL, toDiagnostics } from '../../src/lint/lsp/convert';
import { Projects } from '../../src/lint/lsp/projects';
import type { Finding } from '../../src/lint/types';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const URI = 'file:///project/migrations/001_create_astronauts.sql';
const TEXT = [
  '-- Up migration',
  'CREATE TABLE astronauts (',
  '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
  '  name varchar(80) NOT NULL,',
  '  call_sign varchar(20)',
  ');',
  '',
  '-- Down migration',
  'DROP TABLE astronauts;',
  'CREATE INDEX crews_name_idx ON crews (name);',
  '',
].join('\n');

/** Applies LSP text edits to a text (last first). */
function apply(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: Range['start']) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) {
    out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  }
  return out;
}

describe('language server model (src/lint/lsp)', () => {
  let findings: Finding[];
  let diagnostics: Diagnostic[];
  const docs = new RuleDocs(null);

  before(async () => {
    findings = await lintText(TEXT, '/project/migrations/001_create_astronauts.sql', { asMigration: true });
    diagnostics = toDiagnostics(findings, TEXT, URI, docs);
  });

  it('one diagnostic per finding: rule id as code, severity, source, message with help, documentation link', () => {
    assert.equal(diagnostics.length, findings.length);
    const i = findings.findIndex((f) => f.ruleId === 'prefer-text-field' && f.line === 4);
    assert.ok(i >= 0, JSON.stringify(findings.map((f) => [f.ruleId, f.line])));
    const d = diagnostics[i]!;
    assert.equal(d.code, 'prefer-text-field');
    assert.equal(d.source, 'database-migration');
    assert.equal(d.severity, 2);
    assert.deepEqual(d.range, { start: { line: 3, character: 7 }, end: { line: 3, character: 14 } });
    assert.equal(d.message, `${findings[i]!.message}\n${findings[i]!.help}`);
    assert.equal(d.codeDescription?.href, `${RULES_DOC_URL}#prefer-text-field`);
  });

  it('links to the heading line of docs/rules.md when the file is there', () => {
    const file = path.join(ROOT, 'docs', 'rules.md');
    const href = new RuleDocs(file).href('prefer-text-field');
    const line = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l === '## prefer-text-field') + 1;
    assert.ok(line > 1);
    assert.equal(href, `${pathToFileURL(file).href}#L${line}`);
  });

  it('a down-section finding points at the up section (related information)', () => {
    const i = findings.findIndex((f) => f.section === 'down');
    assert.ok(i >= 0, 'the down section creates an index without CONCURRENTLY');
    const related = diagnostics[i]!.relatedInformation;
    assert.equal(related?.length, 1);
    assert.equal(related![0]!.location.uri, URI);
    assert.equal(related![0]!.location.range.start.line, 0); // "-- Up migration"
    for (const [j, d] of diagnostics.entries()) if (findings[j]!.section !== 'down') assert.equal(d.relatedInformation, undefined);
  });

  it('a finding at a point is widened to the rest of its line, inside the line', () => {
    const f: Finding = { ruleId: 'missing-down-migration', severity: 'warning', message: 'm', help: 'h', file: 'x.sql', line: 2, column: 3, endLine: 2, endColumn: 3, section: 'up' };
    const [d] = toDiagnostics([f], 'a\nbcdef\n', 'file:///x.sql', docs);
    assert.deepEqual(d!.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
    assert.deepEqual(lineLengths('ab\r\ncde\n'), [2, 3, 0]);
  });

  it('code actions: the fix (preferred) and the ignore line, applied as edits of the text', () => {
    const i = findings.findIndex((f) => f.ruleId === 'prefer-text-field' && f.line === 4);
    const actions = codeActions(URI, 7, TEXT, findings, diagnostics, [i], false);
    assert.deepEqual(actions.map((a) => a.title), ['Change the type to text', 'Ignore prefer-text-field for this statement']);
    assert.equal(actions[0]!.isPreferred, true);
    assert.deepEqual(actions[0]!.diagnostics, [diagnostics[i]]);
    const fixed = apply(TEXT, actions[0]!.edit!.changes![URI]!);
    assert.match(fixed, /\n {2}name text NOT NULL,\n/);
    const ignored = apply(TEXT, actions[1]!.edit!.changes![URI]!);
    assert.match(ignored, /\n-- lint-ignore prefer-text-field\nCREATE TABLE astronauts \(/);
    // Versioned when the client takes documentChanges.
    const versioned = codeActions(URI, 7, TEXT, findings, diagnostics, [i], true);
    assert.deepEqual((versioned[0]!.edit!.documentChanges![0] as { textDocument: unknown }).textDocument, { uri: URI, version: 7 });
  });

  it('two findings of one rule on one statement offer one ignore action', () => {
    const both = findings.map((f, i) => (f.ruleId === 'prefer-text-field' ? i : -1)).filter((i) => i >= 0);
    assert.equal(both.length, 2);
    const titles = codeActions(URI, 1, TEXT, findings, diagnostics, both, false).map((a) => a.title);
    assert.deepEqual(titles.filter((t) => t.startsWith('Ignore')), ['Ignore prefer-text-field for this statement']);
    assert.equal(titles.filter((t) => t === 'Change the type to text').length, 2);
  });

  it('the diagnostics a request is about: those sent back (by code and range), else those meeting the range', () => {
    const i = findings.findIndex((f) => f.ruleId === 'prefer-text-field' && f.line === 4);
    assert.deepEqual(requestedDiagnostics(diagnostics, diagnostics[i]!.range, [diagnostics[i]!]), [i]);
    // A client that sends none (a cursor on line 4): every diagnostic on that spot.
    const cursor = { start: { line: 3, character: 9 }, end: { line: 3, character: 9 } };
    const got = requestedDiagnostics(diagnostics, cursor, []);
    assert.ok(got.includes(i));
    assert.ok(got.every((j) => rangesMeet(diagnostics[j]!.range, cursor)));
    assert.deepEqual(requestedDiagnostics(diagnostics, { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, []), []);
    // Another source's diagnostic sent back: ranges decide.
    assert.ok(requestedDiagnostics(diagnostics, cursor, [{ ...diagnostics[i]!, source: 'other' }]).includes(i));
  });

  it('hover: the rule\'s documentation where a diagnostic is, nothing elsewhere', () => {
    const hover = hoverAt(findings, diagnostics, { line: 3, character: 10 }, docs);
    assert.ok(hover);
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /^\*\*prefer-text-field\*\* · warning/);
    assert.match(value, /\*\*Looks for:\*\*/);
    assert.match(value, /\*\*Instead:\*\* use text/);
    assert.ok(value.includes(`(${RULES_DOC_URL}#prefer-text-field)`));
    assert.equal(hoverAt(findings, diagnostics, { line: 6, character: 0 }, docs), null);
    assert.match(docs.hover('invalid-migration-file'), /the way `--up` reads it/);
  });

  it('completions: columns after "table.", tables in "schema.", else tables then columns', () => {
    const tables = [
      { name: { schema: null, name: 'missions' }, columns: ['id', 'agency_id'] },
      { name: { schema: 'archive', name: 'launches' }, columns: ['id', 'site'] },
    ];
    assert.deepEqual(completions(tables, 'SELECT m.name, missions.').map((c) => c.label), ['id', 'agency_id']);
    assert.deepEqual(completions(tables, 'SELECT * FROM Missions.ag').map((c) => c.label), ['id', 'agency_id']);
    assert.deepEqual(completions(tables, 'SELECT * FROM archive.').map((c) => c.label), ['launches']);
    assert.deepEqual(completions(tables, 'SELECT x.').map((c) => c.label), []);
    const all = completions(tables, 'SELECT ');
    assert.deepEqual(all.map((c) => c.label), ['missions', 'archive.launches', 'id', 'agency_id', 'site']);
    assert.equal(all.find((c) => c.label === 'id')!.detail, 'column of missions, archive.launches');
  });

  describe('which project a file belongs to', () => {
    let dir: string;
    const host = (folders: string[], configFile = '') => ({ folders: () => folders, configFile: () => configFile, textOf: () => undefined, log: () => undefined });
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-lsp-model-'));
      fs.mkdirSync(path.join(dir, 'api', 'db', 'migrations'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'api', 'db', 'database-migration.config.json'), JSON.stringify({ migrationsDir: 'migrations' }));
      fs.mkdirSync(path.join(dir, 'plain', 'migrations'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'custom', 'sql'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'custom', 'my.config.json'), JSON.stringify({ migrationsDir: 'sql' }));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('the nearest folder above the file with a config, else the workspace folder, else the folder above migrations/', () => {
      const p = new Projects(host([dir]));
      assert.equal(p.rootOf(path.join(dir, 'api', 'db', 'migrations', '001_x.sql')).root, path.join(dir, 'api', 'db'));
      assert.equal(p.rootOf(path.join(dir, 'plain', 'migrations', '001_x.sql')).root, dir);
      assert.equal(new Projects(host([])).rootOf(path.join(dir, 'plain', 'migrations', '001_x.sql')).root, path.join(dir, 'plain'));
      assert.ok(p.inMigrations(path.join(dir, 'api', 'db', 'migrations', '001_x.sql')));
      assert.ok(!p.inMigrations(path.join(dir, 'api', 'db', 'seeds', '001_x.sql')));
    });

    it('the configFile setting names the config relative to the workspace folder', () => {
      const folder = path.join(dir, 'custom');
      const p = new Projects(host([folder], 'my.config.json'));
      assert.deepEqual(p.rootOf(path.join(folder, 'sql', '001_x.sql')), { root: folder, configPath: path.join(folder, 'my.config.json') });
      assert.ok(p.inMigrations(path.join(folder, 'sql', '001_x.sql')));
    });

    it('prepare() reads a folder\'s history before any file is linted; the file being linted is read at the next build', async () => {
      const root = path.join(dir, 'api', 'db');
      const a = path.join(root, 'migrations', '001_create_agencies.sql');
      const b = path.join(root, 'migrations', '002_create_missions.sql');
      fs.writeFileSync(a, '-- Up migration\nCREATE TABLE agencies (id bigint PRIMARY KEY, name text);\n');
      fs.writeFileSync(b, '-- Up migration\nCREATE TABLE missions (id bigint PRIMARY KEY);\n');
      try {
        const p = new Projects(host([dir]));
        await p.prepare(root);
        const e = p.entryFor(a);
        assert.equal(e.stale, false);
        assert.equal(e.history?.size, 2);
        assert.deepEqual(e.editedSince, new Set());
        assert.deepEqual((await p.tablesBefore(b)).map((t) => [t.name.name, t.columns]), [['agencies', ['id', 'name']]]);
        // A disk change: the next lint of 002 builds again without parsing 002 itself, which then counts as edited.
        p.changedOnDisk(a);
        await p.optionsFor(b);
        assert.deepEqual([...e.editedSince], [b]);
        assert.deepEqual((await p.tablesBefore(path.join(root, 'migrations', '003_x.sql'))).map((t) => t.name.name).sort(), ['agencies', 'missions']);
      } finally {
        fs.rmSync(a);
        fs.rmSync(b);
      }
    });

    it('a changed config drops the project; a changed migration makes its history stale', () => {
      const p = new Projects(host([dir]));
      const file = path.join(dir, 'api', 'db', 'migrations', '001_x.sql');
      const entry = p.entryFor(file);
      entry.stale = false;
      assert.deepEqual(p.changedOnDisk(path.join(dir, 'api', 'db', 'migrations', '002_y.sql')), [path.join(dir, 'api', 'db')]);
      assert.equal(entry.stale, true);
      assert.equal(p.entryFor(file), entry);
      assert.deepEqual(p.changedOnDisk(path.join(dir, 'api', 'db', 'database-migration.config.json')), [path.join(dir, 'api', 'db')]);
      assert.notEqual(p.entryFor(file), entry);
    });
  });
});
