/**
 * Issue 17 (the extension in a real session): the pure parts of each fix — the environment picker, what a config
 * change refreshes, the lint check before "up", the status panel's layout and sizes, the template picker.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentChoices, openProject } from '../../src/core/project';
import { computeStatus } from '../../src/core/planner';
import { readProjectMigrations } from '../../src/core/formats';
import { APPLY_ANYWAY, lintBeforeUp, lintGate } from '../../src/lint/gate';
import type { Finding } from '../../src/lint/types';
import { environmentPickItems, listViewEmptyMessage, refreshScope, watchedFilesGlob } from '../../src/extension/model/environments';
import { gitignoreOffer, ignoresLocalDir, withLocalDirIgnored } from '../../src/extension/model/gitignore';
import { describeTemplate } from '../../src/core/create';
import { formatBytes, formatShortTimestamp, formatTimestamp, renderProgress, renderRollbackConfirmation } from '../../src/core/report';
import { renderPanelBody, renderPanelHtml } from '../../src/extension/model/status-panel-html';
import { busyPanelData } from './helpers/panel-data';
import { errorRowText } from '../../src/extension/model/tree-model';

describe('issue 17: status panel layout and sizes', () => {
  const data = busyPanelData();

  it('every table has fixed column widths (one <col> per header) so a narrow panel does not scroll sideways', () => {
    const html = renderPanelHtml(data, { nonce: 'n', cspSource: 'c' });
    assert.match(html, /table \{[^}]*table-layout: fixed/);
    const tables = renderPanelBody(data).match(/<table id="[^"]+">[\s\S]*?<\/table>/g)!;
    assert.equal(tables.length, 4);
    for (const t of tables) {
      const cols = (t.match(/<col class="w-[a-z]+">/g) ?? []).length;
      const heads = (t.match(/<th scope="col">/g) ?? []).length;
      assert.equal(cols, heads, `columns of ${/id="([^"]+)"/.exec(t)![1]}`);
    }
  });

  it('cuts long names with an ellipsis and keeps the whole text in the title; messages wrap', () => {
    const body = renderPanelBody(data);
    const long = 'add_observations_partitioned_by_month_for_telescope_archive';
    assert.match(body, new RegExp(`<td class="clip" title="${long}">${long}</td>`));
    assert.match(body, /<td class="message">line 12 \(up\)/);
    assert.match(renderPanelHtml(data, { nonce: 'n', cspSource: 'c' }), /td\.clip \{[^}]*text-overflow: ellipsis; white-space: nowrap/);
  });

  it('dates are compact (time today, "Mon D HH:MM" this year, the date before) with the full timestamp as the title', () => {
    const now = new Date(2026, 11, 3, 14, 5, 9);
    assert.equal(formatShortTimestamp(new Date(2026, 11, 3, 9, 7, 1), now), '09:07:01');
    assert.equal(formatShortTimestamp(new Date(2026, 10, 28, 23, 59, 0), now), 'Nov 28 23:59');
    assert.equal(formatShortTimestamp(new Date(2025, 0, 2, 3, 4, 5), now), '2025-01-02');
    assert.equal(formatShortTimestamp(null, now), '');
    const body = renderPanelBody(data);
    const appliedToday = data.statuses[0]!.history!.appliedAt;
    assert.match(body, new RegExp(`<td class="date" title="${formatTimestamp(appliedToday)}">14:05:09</td>`));
    assert.doesNotMatch(body, /<td class="date"[^>]*>\d{4}-\d\d-\d\d \d\d:/, 'no long timestamps in date cells');
  });

  it('sizes read the same in the panel as in the tree and notifications (one helper: "1.2 MB", never bytes)', () => {
    const body = renderPanelBody(data);
    assert.match(body, /<td class="num">1\.2 MB<\/td>/);
    assert.equal(formatBytes(1234567), '1.2 MB');
    assert.doesNotMatch(body, /\d bytes/);
  });
});

describe('issue 17: template picker descriptions', () => {
  const dir = path.resolve(__dirname, '..', '..', '..', 'migrations-templates');

  it('renders placeholders as words and ends every description at a sentence end (the built-in templates)', () => {
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.sql'));
    assert.ok(names.length >= 8);
    for (const f of names) {
      const d = describeTemplate(fs.readFileSync(path.join(dir, f), 'utf8'));
      assert.ok(d.length > 10, `${f}: "${d}"`);
      assert.doesNotMatch(d, /\{\{|\}\}/, `${f}: raw placeholder in "${d}"`);
      assert.match(d, /[.!?)]$/, `${f}: "${d}" ends mid-sentence`);
      assert.match(d, /^[A-Z<]/, `${f}: "${d}"`);
    }
    assert.equal(describeTemplate(fs.readFileSync(path.join(dir, 'add-column.sql'), 'utf8')), 'Add column <column> to <table>.');
    // Its first sentence runs over two comment lines: the old picker showed the first line only, cut after "NeoWs,".
    assert.equal(describeTemplate(fs.readFileSync(path.join(dir, 'cache-table.sql'), 'utf8')),
      '<table>, a cache of NASA API responses (api.nasa.gov: APOD, NeoWs, Mars Rover Photos, EPIC, DONKI, ...) so the portal stays within the API rate limit.');
  });

  it('adds whole sentences while they fit, and stops at the Up marker', () => {
    const text = '-- {{version}}_{{name}}: copy {{column}} from {{ref_table}}. Runs in batches. Each batch commits on its own so locks stay short and replicas keep up.\n-- Up migration\n-- not this\n';
    assert.equal(describeTemplate(text, 60), 'Copy <column> from <referenced table>. Runs in batches.');
    assert.equal(describeTemplate(text, 20), 'Copy <column> from <referenced table>.', 'a long first sentence is kept whole');
    assert.equal(describeTemplate('-- Up migration\nSELECT 1;\n'), '');
  });
});

describe('issue 17: an environment whose URL variable is unset', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-issue17-'));
    fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({
      defaultEnvironment: 'development',
      environments: { development: {}, staging: { url: '${env:DM_ISSUE17_STAGING_URL}' }, test: { url: 'postgres://ci@db.example:5432/portal_test' } },
    }));
    fs.mkdirSync(path.join(dir, 'migrations'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('opening it fails, but the config still lists every environment, the broken one with its reason', () => {
    const processEnv = {};
    assert.throws(() => openProject({ cwd: dir, env: 'staging', processEnv }), /DM_ISSUE17_STAGING_URL is not set/);
    const { choices } = environmentChoices({ cwd: dir, processEnv });
    assert.deepEqual(choices.map((c) => c.name), ['development', 'staging', 'test']);
    assert.equal(choices[0]!.problem, null);
    assert.match(choices[1]!.problem!, /"environments\.staging\.url" uses \$\{env:DM_ISSUE17_STAGING_URL\} but DM_ISSUE17_STAGING_URL is not set/);
    assert.equal(choices[2]!.problem, null);
    const fixed = environmentChoices({ cwd: dir, processEnv: { DM_ISSUE17_STAGING_URL: 'postgres://app@staging.example/portal' } }).choices;
    assert.equal(fixed[1]!.problem, null, 'set, the variable makes it usable');
  });

  it('the picker lists them all with the broken (current) one marked, and the current one even when the config dropped it', () => {
    const { choices } = environmentChoices({ cwd: dir, processEnv: {} });
    const items = environmentPickItems(choices, 'staging');
    assert.deepEqual(items.map((i) => i.environment), ['development', 'staging', 'test']);
    assert.deepEqual(items.map((i) => i.label), ['development', '$(warning) staging', 'test']);
    assert.equal(items[1]!.description, 'current — cannot be opened');
    assert.match(items[1]!.detail!, /DM_ISSUE17_STAGING_URL is not set/);
    assert.equal(items[0]!.description, undefined);
    const gone = environmentPickItems(choices, 'qa');
    assert.equal(gone.length, 4);
    assert.equal(gone[3]!.environment, 'qa');
    assert.match(gone[3]!.detail!, /not in the config any more/);
  });

  it('the Backups view says the environment cannot be opened instead of "no backups yet"; Seeds keep their own list', () => {
    const openError = { scope: 'environment' as const, text: '"environments.staging.url" uses ${env:X} but X is not set\nhint' };
    assert.equal(listViewEmptyMessage('backups', 'staging', openError), 'Environment "staging" cannot be opened: "environments.staging.url" uses ${env:X} but X is not set');
    assert.equal(listViewEmptyMessage('seeds', 'staging', openError), null, 'seeds do not depend on the environment: the welcome text is right');
    assert.match(listViewEmptyMessage('seeds', 'staging', { scope: 'config', text: 'config is not valid JSON' })!, /^The config cannot be read: config is not valid JSON/);
    assert.equal(listViewEmptyMessage('backups', 'development', null), null);
  });
});

describe('issue 17: a config change refreshes everything', () => {
  it('the config file (default or the configured name) and .env files re-read everything; migration files only the files', () => {
    assert.equal(refreshScope(['/w/p/database-migration.config.json'], ''), 'everything');
    assert.equal(refreshScope(['/w/p/config/db.json'], 'config/db.json'), 'everything');
    assert.equal(refreshScope(['/w/p/.env'], ''), 'everything');
    assert.equal(refreshScope(['/w/p/migrations/001_a.sql', '/w/p/.env.local'], ''), 'everything');
    assert.equal(refreshScope(['/w/p/migrations/001_a.sql', '/w/p/seeds/001_b.sql'], ''), 'files');
  });
});

describe('issue 17: lint before "up"', () => {
  let dir: string;
  const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, 'migrations', name), text);
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-issue17-lint-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    write('001_create_missions.sql', '-- Up migration\nCREATE TABLE missions (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);\n\n-- Down migration\nDROP TABLE missions;\n');
    // A plain CREATE INDEX on an existing table blocks writes for the whole build: an error-severity finding.
    write('002_index_missions_name.sql', '-- Up migration\nCREATE INDEX idx_missions_name ON missions (name);\n\n-- Down migration\nDROP INDEX idx_missions_name;\n');
    write('003_add_notes.sql', '-- Up migration\nALTER TABLE missions ADD COLUMN notes text;\n\n-- Down migration\nALTER TABLE missions DROP COLUMN notes;\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const project = () => openProject({ cwd: dir, processEnv: {} }).config;
  const statuses = (appliedThrough: number) => {
    const config = project();
    const files = readProjectMigrations(config).migrations;
    const history = files.filter((f) => Number(f.version) <= appliedThrough).map((f) => ({
      version: f.version, name: f.name, checksum: f.checksum, downSql: f.down, status: 'applied' as const, transactional: true,
      appliedAt: new Date(2026, 0, 1), appliedBy: 'ada', durationMs: 1, environment: 'development', batch: 1,
    }));
    return computeStatus(files, history, { environment: 'development' });
  };

  it('finds the error in a migration about to be applied and asks, with the count, the file and "Apply anyway"', async () => {
    const gate = await lintBeforeUp(project(), statuses(1), { policy: 'ask' });
    assert.deepEqual(gate.applying, ['002_index_missions_name', '003_add_notes']);
    assert.equal(gate.decision, 'confirm');
    assert.ok(gate.errors.length >= 1);
    assert.ok(gate.errors.every((f) => f.file.endsWith('002_index_missions_name.sql')));
    assert.match(gate.message, /^\d+ lint errors? in 002_index_missions_name\.sql\. Apply anyway\?$/);
    assert.match(gate.detail, /002_index_missions_name\.sql:2 require-concurrent-index-creation: /);
    assert.equal(APPLY_ANYWAY, 'Apply anyway');
  });

  it('refuses under the "refuse" setting; proceeds when the erroneous migration is already applied or beyond "to"', async () => {
    const refused = await lintBeforeUp(project(), statuses(1), { policy: 'refuse' });
    assert.equal(refused.decision, 'refuse');
    assert.match(refused.message, /^Not applied: \d+ lint errors? in 002_index_missions_name\.sql\./);
    assert.equal((await lintBeforeUp(project(), statuses(2), { policy: 'refuse' })).decision, 'proceed', 'only the migrations to apply are linted');
    assert.equal((await lintBeforeUp(project(), statuses(0), { policy: 'ask', to: '001' })).decision, 'proceed', 'up to 001 applies only 001');
    assert.equal((await lintBeforeUp(project(), statuses(1), { policy: 'off' })).decision, 'proceed');
  });

  it('counts only errors, and names several files by count', () => {
    const f = (file: string, severity: Finding['severity']): Finding => ({ ruleId: 'r', severity, message: 'm\nmore', help: '', file, line: 3, column: 1, endLine: 3, endColumn: 2, section: 'up' });
    assert.equal(lintGate([f('migrations/002_a.sql', 'warning')], ['002_a'], 'ask').decision, 'proceed');
    const many = lintGate([f('migrations/002_a.sql', 'error'), f('migrations/003_b.sql', 'error'), f('migrations/003_b.sql', 'info')], ['002_a', '003_b', '004_c'], 'ask');
    assert.equal(many.message, '2 lint errors in 2 of the 3 migrations to apply. Apply anyway?');
    assert.match(many.detail, /^002_a\.sql:3 r: m\n003_b\.sql:3 r: m\n/);
  });
});

describe('issue 17: progress and confirmations say what they are about', () => {
  it('progress names the migration and its place in the run; long seeds show rows', () => {
    assert.deepEqual(renderProgress({ type: 'migration-start', direction: 'up', id: '002_x', index: 2, total: 5 }), { message: 'Applying 002_x (2 of 5)' });
    assert.deepEqual(renderProgress({ type: 'migration-start', direction: 'down', id: '005_y' }), { message: 'Rolling back 005_y' });
    assert.deepEqual(renderProgress({ type: 'seed-progress', table: 'observations', rows: 40000, total: 100000 }), { message: 'Seeding observations: 40,000 of 100,000 rows' });
    assert.equal(renderProgress({ type: 'statement-done', id: '002_x', line: 3, durationMs: 5 }), null);
  });

  it('the rollback confirmation names the migrations (newest first) and the backup taken before them', () => {
    const one = renderRollbackConfirmation(['011_drop_index'], 'development', '.migrations/backups/development/');
    assert.equal(one.message, 'Roll back 011_drop_index on "development"?');
    assert.match(one.detail, /A backup of the database is taken first, into \.migrations\/backups\/development\/ /);
    const many = renderRollbackConfirmation(['005_e', '004_d', '003_c', '002_b'], 'test', null);
    assert.equal(many.message, 'Roll back 4 migrations on "test" (005_e, 004_d, 003_c, …)?');
    assert.match(many.detail, /^Their down sections run newest first: 005_e, 004_d, 003_c, 002_b\.\nNo backup is taken: backups are off for "test"\.$/);
  });
});

describe('issue 17: .migrations/ is never committed silently', () => {
  it('reads the usual ways a .gitignore ignores .migrations/, relative to where the .gitignore is', () => {
    for (const line of ['.migrations', '.migrations/', '/.migrations/', '**/.migrations', '.migrations/*', '.migrations/**']) {
      assert.equal(ignoresLocalDir(`node_modules/\n${line}\n`, ''), true, line);
    }
    assert.equal(ignoresLocalDir('node_modules/\n# .migrations/\n', ''), false, 'a comment');
    assert.equal(ignoresLocalDir('.migrations/\n!.migrations/\n', ''), false, 'un-ignored again');
    assert.equal(ignoresLocalDir('.migrations/pglite\n', ''), false, 'only part of it');
    assert.equal(ignoresLocalDir('/.migrations/\n', path.join('examples', 'nasa-portal')), false, 'anchored at the repository root, not the project');
    assert.equal(ignoresLocalDir('examples/nasa-portal/.migrations/\n', path.join('examples', 'nasa-portal')), true);
    assert.equal(ignoresLocalDir('.migrations\n', path.join('examples', 'nasa-portal')), true, 'unanchored: anywhere');
  });

  it('offers the entry only for a project in a git repository with a .migrations/ directory nobody ignores, once added no more', () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-issue17-git-'));
    try {
      const project = path.join(repo, 'db');
      fs.mkdirSync(path.join(project, 'migrations'), { recursive: true });
      const real = { exists: (p: string) => fs.existsSync(p), read: (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null) };
      assert.equal(gitignoreOffer(project, real), null, 'no .migrations/ yet');
      fs.mkdirSync(path.join(project, '.migrations', 'pglite'), { recursive: true });
      assert.equal(gitignoreOffer(project, real), null, 'not in a git repository');
      fs.mkdirSync(path.join(repo, '.git'));
      fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules/\n/.migrations/\n');
      const offer = gitignoreOffer(project, real);
      assert.deepEqual(offer, { file: path.join(project, '.gitignore') });
      fs.writeFileSync(offer!.file, withLocalDirIgnored(''));
      assert.equal(gitignoreOffer(project, real), null, 'ignored now');
      assert.equal(withLocalDirIgnored('node_modules/'), 'node_modules/\n\n# database-migration: the embedded database, backups and caches (never commit them)\n.migrations/\n');
    } finally {
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('issue 17: the tree\'s error row shows the reason, not the folders', () => {
  it('cuts a leading absolute path to its file name and keeps line and column', () => {
    assert.equal(errorRowText('/home/ana/work/portal/database-migration.config.json: environment "production" needs ${PROD_URL}, which is not set\n  fix: set PROD_URL'),
      'database-migration.config.json: environment "production" needs ${PROD_URL}, which is not set');
    assert.equal(errorRowText('/srv/p/migrations/003_x.sql:12:5: syntax error at or near "SELEC"\n  fix: ...'), '003_x.sql:12:5: syntax error at or near "SELEC"');
    assert.equal(errorRowText('C:\\work\\portal\\database-migration.config.json: bad JSON'), 'database-migration.config.json: bad JSON');
  });

  it('leaves a message without a path as it is (its first line)', () => {
    assert.equal(errorRowText('connection refused: is the server running?\nmore'), 'connection refused: is the server running?');
  });
});

describe('issue 17: a config with another name is watched too', () => {
  it('the watcher glob follows the configFile setting (file name only), with .env files and migrations', () => {
    assert.equal(watchedFilesGlob(''), '**/{*.sql,database-migration.config.json,.env,.env.*}');
    assert.equal(watchedFilesGlob('config/db-migrate.json'), '**/{*.sql,database-migration.config.json,.env,.env.*,db-migrate.json}');
    // A name with glob characters cannot go into the pattern: the default names are still watched.
    assert.equal(watchedFilesGlob('conf/{a,b}.json'), '**/{*.sql,database-migration.config.json,.env,.env.*}');
  });
});
