/**
 * The extension's pure mapping code (src/extension/model, no 'vscode' import):
 * findings -> diagnostics and quick fixes, engine results -> tree items and the
 * status panel, plus the contributions in package.json that point at files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withPassword, type ConnectionTarget } from '../../src/core/config';
import { connectionError } from '../../src/core/db/pg-database';
import type { HistoryRow, LogEntry } from '../../src/core/history';
import { parseMigrationFile } from '../../src/core/migration-file';
import { discoverMigrations } from '../../src/core/formats';
import { computeStatus } from '../../src/core/planner';
import { redactUrl } from '../../src/core/redact';
import type { BackupEntry } from '../../src/core/backups';
import { lintText } from '../../src/lint/linter';
import { rulesMarkdown } from '../../src/lint/rule-docs';
import { ALL_RULES } from '../../src/lint/rules';
import type { Finding } from '../../src/lint/types';
import { diagnosticMessage, findingRange, fixEdits, ignoreRuleEdit, isMigrationPath, ruleDocLine, severityName, type EditModel } from '../../src/lint/editor-model';
import { isProjectFolder } from '../../src/extension/model/folders';
import { confirmationError, migrationNamePreview, statusBarText, validateMigrationName } from '../../src/extension/model/names';
import { escapeHtml, makeNonce, renderPanelHtml, type PanelData } from '../../src/extension/model/status-panel-html';
import { backupItems, environmentItem, migrationItems, STATE_ICONS } from '../../src/extension/model/tree-model';
import { seedItems } from '../../src/extension/model/seed-items';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Applies editor-style edits (0-based lines/characters) to text, last first. */
function applyEdits(text: string, edits: EditModel[]): string {
  const lines = text.split('\n');
  const offset = (line: number, ch: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + ch;
  const sorted = edits.map((e) => ({ start: offset(e.range.startLine, e.range.startCharacter), end: offset(e.range.endLine, e.range.endCharacter), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const MIGRATION = [
  '-- Up migration',
  'CREATE TABLE missions (',
  '    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
  '    name varchar(100) NOT NULL',
  ');',
  '',
  '-- Down migration',
  'DROP TABLE IF EXISTS missions;',
  '',
].join('\n');

describe('extension model: diagnostics', () => {
  it('maps a finding to a 0-based range and severity, with the rule help in the message', async () => {
    const findings = await lintText(MIGRATION, '/p/migrations/001_create_missions.sql', { only: ['prefer-text-field'] });
    assert.equal(findings.length, 1);
    const f = findings[0]!;
    const r = findingRange(f, () => 100);
    assert.deepEqual([r.startLine, r.startCharacter], [3, 9], 'line 4, column 10 in the file is line 3, character 9 in the editor');
    assert.equal(MIGRATION.split('\n')[r.startLine]!.slice(r.startCharacter, r.endCharacter), 'varchar');
    assert.equal(severityName(f.severity), 'Warning');
    assert.equal(severityName('error'), 'Error');
    assert.equal(severityName('info'), 'Information');
    assert.match(diagnosticMessage(f), /varchar\(100\)[\s\S]*\n.*text/);
    assert.equal(f.statementLine, 2, 'the statement starts at CREATE TABLE on line 2');
  });

  it('widens an empty range to the rest of the line so the squiggle is visible', () => {
    const f: Finding = { ruleId: 'x', severity: 'error', message: 'm', help: '', file: 'f', line: 2, column: 5, endLine: 2, endColumn: 5, section: 'up' };
    assert.deepEqual(findingRange(f, (l) => (l === 1 ? 20 : 0)), { startLine: 1, startCharacter: 4, endLine: 1, endCharacter: 20 });
  });

  it("applies a rule's fix so the finding goes away", async () => {
    const [f] = await lintText(MIGRATION, '001_create_missions.sql', { only: ['prefer-text-field'] });
    const edits = fixEdits(f!);
    assert.ok(edits.length > 0, 'prefer-text-field offers a fix');
    const fixed = applyEdits(MIGRATION, edits);
    assert.match(fixed, /name text NOT NULL/);
    assert.deepEqual(await lintText(fixed, '001_create_missions.sql', { only: ['prefer-text-field'] }), []);
  });

  it('"ignore this rule" inserts a lint-ignore line above the statement, not above the finding line', async () => {
    const [f] = await lintText(MIGRATION, '001_create_missions.sql', { only: ['prefer-text-field'] });
    const edit = ignoreRuleEdit(f!, MIGRATION.split('\n'))!;
    assert.deepEqual(edit.range, { startLine: 1, startCharacter: 0, endLine: 1, endCharacter: 0 });
    assert.equal(edit.newText, '-- lint-ignore prefer-text-field\n');
    const silenced = applyEdits(MIGRATION, [edit]);
    assert.deepEqual(await lintText(silenced, '001_create_missions.sql', { only: ['prefer-text-field'] }), []);
  });

  it('"ignore this rule" adds the id to an existing lint-ignore line, and offers nothing when already listed', async () => {
    const text = MIGRATION.replace('CREATE TABLE missions (', '-- lint-ignore prefer-identity\nCREATE TABLE missions (');
    const [f] = await lintText(text, '001_create_missions.sql', { only: ['prefer-text-field'] });
    const lines = text.split('\n');
    const edit = ignoreRuleEdit(f!, lines)!;
    assert.equal(edit.newText, ', prefer-text-field');
    const silenced = applyEdits(text, [edit]);
    assert.match(silenced, /^-- lint-ignore prefer-identity, prefer-text-field$/m);
    assert.deepEqual(await lintText(silenced, '001_create_missions.sql', { only: ['prefer-text-field'] }), []);
    assert.equal(ignoreRuleEdit({ ...f!, ruleId: 'prefer-identity' }, lines), null);
    assert.equal(ignoreRuleEdit({ ...f!, section: 'file' }, lines), null, 'file-level findings have no statement');
  });

  it('finds migration files by directory', () => {
    assert.equal(isMigrationPath('/w/p/migrations/001_a.sql', ['/w/p/migrations']), true);
    assert.equal(isMigrationPath('/w/p/migrations/001_a.txt', ['/w/p/migrations']), false);
    assert.equal(isMigrationPath('/w/p/migrations-old/001_a.sql', ['/w/p/migrations']), false);
    assert.equal(isMigrationPath('C:\\w\\p\\migrations\\001_a.sql', ['C:\\w\\p\\migrations']), true);
  });

  it('docs/rules.md is generated from the current rules (regenerate: node scripts/bundle.mjs && node scripts/rules-doc.mjs)', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8');
    assert.equal(doc, rulesMarkdown(ALL_RULES), 'docs/rules.md is stale: run node scripts/bundle.mjs && node scripts/rules-doc.mjs');
    for (const r of ALL_RULES) {
      const line = ruleDocLine(doc, r.id);
      assert.ok(line > 1, `${r.id} has a heading`);
      assert.equal(doc.split('\n')[line - 1], `## ${r.id}`);
    }
    assert.equal(ruleDocLine(doc, 'no-such-rule'), 1);
  });
});

function file(name: string, text: string) {
  return parseMigrationFile(text, `migrations/${name}`, name);
}

function row(version: string, name: string, checksum: string, extra: Partial<HistoryRow> = {}): HistoryRow {
  return { version, name, checksum, downSql: 'DROP TABLE x;', status: 'applied', transactional: true, appliedAt: new Date(2025, 0, 2, 3, 4, 5),
    appliedBy: 'ada', durationMs: 42, environment: 'development', batch: 1, ...extra };
}

describe('extension model: tree items', () => {
  const f1 = file('001_create_space_objects.sql', '-- Up migration\nCREATE TABLE space_objects (id bigint);\n-- Down migration\nDROP TABLE space_objects;\n');
  const f2 = file('002_create_missions.sql', '-- Up migration\nCREATE TABLE missions (id bigint);\n-- Down migration\nDROP TABLE missions;\n');
  const f3 = file('003_add_observations.sql', '-- depends: 001_create_space_objects\n-- Up migration\nCREATE TABLE observations (id bigint);\n');
  const f5 = file('005_test_only.sql', '-- environments: test\n-- Up migration\nSELECT 1;\n');
  const history = [
    row('1', 'create_space_objects', f1.checksum),
    row('2', 'create_missions', 'not-the-same-checksum'),
    row('4', 'gone', 'abc', { downSql: null }),
    row('6', 'interrupted', 'def', { status: 'running', error: 'line 3 (up): canceled' }),
  ];
  const statuses = computeStatus([f1, f2, f3, f5], history, { environment: 'development' });
  const items = migrationItems({ folderKey: 'k', environment: 'development', root: '/proj', statuses, files: [], edges: [{ from: '003', to: '001', reason: 'declared', declared: true }] });
  const byLabel = new Map(items.map((i) => [i.label, i]));

  it('gives each state its codicon and colour', () => {
    assert.deepEqual(items.map((i) => [i.label, i.state, i.icon]), [
      ['001_create_space_objects', 'applied', 'pass-filled'],
      ['002_create_missions', 'modified', 'diff-modified'],
      ['003_add_observations', 'pending', 'circle-large-outline'],
      ['4_gone', 'missing', 'question'],
      ['005_test_only', 'skipped', 'debug-step-over'],
      ['6_interrupted', 'dirty', 'warning'],
    ]);
    assert.equal(byLabel.get('001_create_space_objects')!.color, 'testing.iconPassed');
    assert.equal(STATE_ICONS.dirty.color, 'editorError.foreground');
  });

  it('describes applied ones with their time, and tooltips show checksum, duration and dependencies', () => {
    const a = byLabel.get('001_create_space_objects')!;
    assert.equal(a.description, 'applied · 2025-01-02 03:04:05');
    assert.match(a.tooltip, new RegExp(`Checksum \\| \`${f1.checksum.slice(0, 16)}`));
    assert.match(a.tooltip, /Duration \| 42 ms/);
    assert.match(a.tooltip, /Applied \| 2025-01-02 03:04:05 by ada/);
    const p = byLabel.get('003_add_observations')!;
    assert.equal(p.description, 'pending (out of order)', 'newer versions (4, 6) are recorded');
    assert.match(p.tooltip, /Depends on \| 001\\_create\\_space\\_objects \(declared\)/);
    assert.match(p.tooltip, /Down \| none \(irreversible\)/);
    assert.match(byLabel.get('002_create_missions')!.tooltip, /changed since applied/);
    assert.match(byLabel.get('6_interrupted')!.tooltip, /Error \| line 3 \(up\): canceled/);
  });

  it('sets context values the menus match on, and absolute file paths', () => {
    assert.equal(byLabel.get('001_create_space_objects')!.contextValue, 'migration.applied.file.reversible');
    assert.equal(byLabel.get('003_add_observations')!.contextValue, 'migration.pending.file');
    assert.equal(byLabel.get('4_gone')!.contextValue, 'migration.missing');
    assert.equal(byLabel.get('001_create_space_objects')!.file, path.join('/proj', 'migrations', '001_create_space_objects.sql'));
    assert.equal(byLabel.get('4_gone')!.file, null);
    assert.equal(byLabel.get('001_create_space_objects')!.id, 'k|development|001');
  });

  it('shows files with an unknown state before the database is read', () => {
    const unread = migrationItems({ folderKey: 'k', environment: 'dev', root: '/p', statuses: null, files: [f1, f2], edges: [] });
    assert.deepEqual(unread.map((i) => [i.label, i.state, i.description]), [
      ['001_create_space_objects', 'unknown', 'state not loaded yet'], ['002_create_missions', 'unknown', 'state not loaded yet']]);
  });

  it('a golang-migrate pair is one item: "open" opens the .up.sql, the tooltip names the .down.sql; an up alone is irreversible', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-tree-'));
    try {
      fs.mkdirSync(path.join(dir, 'migrations'));
      fs.writeFileSync(path.join(dir, 'migrations', '001_create_missions.up.sql'), 'CREATE TABLE missions (id bigint);\n');
      fs.writeFileSync(path.join(dir, 'migrations', '001_create_missions.down.sql'), 'DROP TABLE missions;\n');
      fs.writeFileSync(path.join(dir, 'migrations', '002_seed.up.sql'), 'SELECT 1;\n');
      const files = discoverMigrations(path.join(dir, 'migrations'), { displayRoot: dir });
      const items = migrationItems({ folderKey: 'k', environment: 'dev', root: dir, statuses: computeStatus(files, [], { environment: 'dev' }), files, edges: [] });
      assert.deepEqual(items.map((i) => [i.label, i.contextValue]), [['001_create_missions', 'migration.pending.file.reversible'], ['002_seed', 'migration.pending.file']]);
      assert.equal(items[0]!.file, path.join(dir, 'migrations', '001_create_missions.up.sql'));
      assert.match(items[0]!.tooltip, /\| Down file \| `migrations\/001_create_missions\.down\.sql` \|/);
      assert.match(items[1]!.tooltip, /\| Down \| none \(irreversible\) \|/);
      assert.doesNotMatch(items[1]!.tooltip, /Down file/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('summarises the environment and marks protected ones', () => {
    const e = environmentItem('production', 'postgres://u:***@h/db', statuses, true);
    assert.equal(e.description, '2 applied, 1 pending — postgres://u:***@h/db');
    assert.equal(e.icon, 'shield');
    assert.equal(e.contextValue, 'environment.protected');
    assert.equal(environmentItem('dev', 'embedded PGlite', null, false).description, 'embedded PGlite');
  });

  it('lists seeds (marking those for other environments) and backups', () => {
    const seeds = seedItems('k', 'production', [
      { name: '001_planets.sql', file: 'seeds/001_planets.sql', sql: '', environments: null },
      { name: '002_sample.sql', file: 'seeds/002_sample.sql', sql: '', environments: ['development', 'test'] },
    ]);
    assert.deepEqual(seeds.map((s) => [s.label, s.description, s.contextValue]), [
      ['001_planets.sql', 'all environments', 'seed'], ['002_sample.sql', 'not for production', 'seed.skipped']]);
    const backup: BackupEntry = { id: '20250102T030405Z_003', file: 'x.dump', createdAt: new Date(2025, 0, 2, 3, 4, 5).toISOString(), environment: 'development', reason: 'up',
      versionBefore: '003', versionAfter: '005', format: 'sql', tool: 'pglite-tools pg_dump', sizeBytes: 2048, sha256: 'a'.repeat(64), serverVersion: '17.4', database: 'embedded PGlite' };
    const [b] = backupItems('k', [backup]);
    assert.equal(b!.label, '20250102T030405Z_003');
    assert.equal(b!.description, 'up · 2025-01-02 03:04:05 · 2.0 kB');
    assert.equal(b!.contextValue, 'backup');
    assert.match(b!.tooltip, /Newest migration before \| 003/);
  });
});

describe('extension model: input, status bar, reports', () => {
  it('validates migration names as the user types', () => {
    assert.equal(validateMigrationName('create space objects', []), undefined);
    assert.equal(validateMigrationName('', []), 'Type a name, e.g. create_space_objects');
    assert.equal(validateMigrationName('!!!', []), 'Use letters or digits (e.g. create_space_objects)');
    assert.equal(validateMigrationName('001_thing', []), 'Start with a letter: the number is added for you');
    assert.equal(validateMigrationName('CreateMissions', ['create_missions']), 'A migration named "create_missions" already exists');
    assert.equal(migrationNamePreview('Create Missions'), 'Creates NNN_create_missions.sql');
  });

  it('accepts only the exact environment name as confirmation', () => {
    assert.equal(confirmationError('production', 'production'), undefined);
    assert.equal(confirmationError('Production', 'production'), 'Type "production" to confirm');
    assert.equal(confirmationError('yes', 'production'), 'Type "production" to confirm');
  });

  it('shows environment and pending count in the status bar', () => {
    assert.equal(statusBarText('development', 3, false), '$(database) development · 3 pending');
    assert.equal(statusBarText('production', 0, true), '$(shield) production · 0 pending');
    assert.equal(statusBarText('development', null, false), '$(database) development');
  });

  it('recognises project folders by config file or migrations directory', () => {
    assert.equal(isProjectFolder(path.join(ROOT, 'examples', 'nasa-portal'), ''), true);
    assert.equal(isProjectFolder(path.join(ROOT, 'src'), ''), false);
    assert.equal(isProjectFolder(path.join(ROOT, 'examples'), 'nasa-portal/database-migration.config.json'), true);
  });
});

describe('extension model: passwords', () => {
  it('puts a stored password into the connection URL in memory, and redaction hides it', () => {
    const t: ConnectionTarget = { kind: 'postgres', url: 'postgres://app@db.example:5432/portal', source: 'environments.production.url' };
    const withPw = withPassword(t, 's3cr@t/pw');
    assert.equal(withPw.kind === 'postgres' && new URL(withPw.url).password, encodeURIComponent('s3cr@t/pw'));
    assert.equal(withPw.kind === 'postgres' && decodeURIComponent(new URL(withPw.url).password), 's3cr@t/pw');
    assert.equal(withPw.kind === 'postgres' && redactUrl(withPw.url), 'postgres://app:***@db.example:5432/portal');
    assert.equal(t.url, 'postgres://app@db.example:5432/portal', 'the original target is not changed');
    const lite: ConnectionTarget = { kind: 'pglite', dataDir: '/d', source: 'embedded' };
    assert.equal(withPassword(lite, 'x'), lite);
    assert.equal(withPassword(t, undefined), t);
  });

  it('treats "no password given" from node-postgres as an authentication failure (so the editor asks)', () => {
    const e = connectionError(new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'postgres://app@h/db');
    assert.equal(e.code, 'E_AUTH');
    assert.equal(connectionError(Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' }), 'x').code, 'E_AUTH');
    assert.equal(connectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'x').code, 'E_CONNECTION');
  });
});

describe('extension model: status panel HTML', () => {
  const statuses = computeStatus([file('001_create_space_objects.sql', '-- Up migration\nCREATE TABLE space_objects (id bigint);\n-- Down migration\nDROP TABLE space_objects;\n')],
    [row('1', 'create_space_objects', 'x')], { environment: 'development' });
  const log: LogEntry[] = [{ id: 1, occurredAt: new Date(2025, 0, 2), action: 'up', version: '001', name: '<script>alert(1)</script>', success: true, durationMs: 5, environment: 'development', performedBy: 'ada', message: null }];
  const backups = [{ id: 'b1', file: 'b1.sql', createdAt: new Date().toISOString(), environment: 'development', reason: 'up' as const, versionBefore: null, versionAfter: '001',
    format: 'sql' as const, tool: 't', sizeBytes: 10, sha256: 'f'.repeat(64), serverVersion: '17', database: 'd' }];
  const data: PanelData = { folder: 'nasa-portal', environment: 'development', database: 'embedded PGlite', statuses, log, backups, edges: [], canRun: true, updatedAt: new Date() };

  it('has a strict CSP: only the nonce may run scripts or add styles', () => {
    const html = renderPanelHtml(data, { nonce: 'N0nce', cspSource: 'vscode-webview://x' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0nce'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const scripts = html.match(/<script[^>]*>/g)!;
    assert.deepEqual(scripts, ['<script nonce="N0nce">']);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  });

  it('renders the tables with stable ids, escapes database text, and restore buttons', () => {
    const html = renderPanelHtml(data, { nonce: 'n', cspSource: 'c' });
    for (const id of ['summary', 'refresh', 'applied-state', 'history-log', 'backups']) assert.match(html, new RegExp(`id="${id}"`));
    assert.match(html, /<p id="dependency-graph" class="empty">/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.doesNotMatch(html, /<script>alert/);
    assert.match(html, /<button type="button" class="restore" data-backup-id="b1" aria-label="Restore backup b1">Restore<\/button>/);
    assert.match(html, /<th scope="col">State<\/th>/);
    const untrusted = renderPanelHtml({ ...data, canRun: false }, { nonce: 'n', cspSource: 'c' });
    assert.match(untrusted, /data-backup-id="b1" disabled/);
    const failed = renderPanelHtml({ ...data, error: 'cannot connect <x>' }, { nonce: 'n', cspSource: 'c' });
    assert.match(failed, /<p id="error" role="alert" class="error">cannot connect &lt;x&gt;<\/p>/);
    assert.equal(escapeHtml(`a&"'`), 'a&amp;&quot;&#39;');
  });

  it('makes 32-character nonces from the random source', () => {
    const n = makeNonce((k) => new Uint8Array(k).map((_, i) => i * 7));
    assert.match(n, /^[A-Za-z0-9]{32}$/);
  });
});

describe('extension contributions (package.json, syntaxes, snippets)', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const c = pkg.contributes;

  it('every command used in a menu is declared, with the category', () => {
    const declared = new Set(c.commands.map((x: { command: string }) => x.command));
    for (const [menu, entries] of Object.entries(c.menus) as [string, { command: string }[]][]) {
      for (const e of entries) assert.ok(declared.has(e.command), `${menu} uses undeclared ${e.command}`);
    }
    for (const cmd of c.commands) assert.equal(cmd.category, 'Database Migration');
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  });

  it('points at files that exist: icon, schema, grammar, snippets', () => {
    for (const p of [c.viewsContainers.activitybar[0].icon, c.jsonValidation[0].url, c.grammars[0].path, c.snippets[0].path]) {
      assert.ok(fs.existsSync(path.join(ROOT, p)), `${p} exists`);
    }
  });

  it('the injection grammar matches the markers and directives', () => {
    const g = JSON.parse(fs.readFileSync(path.join(ROOT, c.grammars[0].path), 'utf8'));
    // Oniguruma's (?i:...) groups as a case-insensitive JS regex.
    const rx = (name: string) => new RegExp(g.repository[name].match.replace(/\(\?i:/g, '(?:'), 'i');
    assert.ok(rx('section-marker').test('-- Up migration') && rx('section-marker').test('--   down Migration  '));
    assert.ok(!rx('section-marker').test('-- Up migration of the users table'));
    assert.deepEqual(rx('directive').exec('-- depends: 001_create_space_objects')!.slice(2), ['depends', ':', '001_create_space_objects']);
    assert.ok(rx('directive').test('-- transaction: none') && rx('directive').test('-- environments: development, test'));
    assert.equal(rx('lint-ignore').exec('-- lint-ignore prefer-text-field, prefer-identity')![3], 'prefer-text-field, prefer-identity');
  });

  it('snippet migrations lint without errors or warnings (they show the safe patterns)', async () => {
    const snippets = JSON.parse(fs.readFileSync(path.join(ROOT, c.snippets[0].path), 'utf8')) as Record<string, { body: string[] }>;
    let checked = 0;
    for (const [name, s] of Object.entries(snippets)) {
      // Placeholders take their default text: ${1:missions} -> missions, $0 -> ''.
      const text = s.body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
      if (!/^-- Up migration$/m.test(text)) continue;
      const findings = (await lintText(text, '010_snippet.sql', { postgresVersion: 15 })).filter((f) => f.severity !== 'info');
      assert.deepEqual(findings.map((f) => `${f.line} ${f.ruleId}: ${f.message}`), [], `snippet "${name}"`);
      checked++;
    }
    assert.ok(checked >= 8, `checked ${checked} migration snippets`);
  });
});
