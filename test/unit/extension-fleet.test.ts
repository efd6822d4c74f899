/**
 * Fleets in the extension (issue 19), the pure part: the target level of the Migrations tree, the progress and
 * notification of a fleet run, and the status panel's matrix section.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FleetEvent, FleetRun, FleetTarget } from '../../src/core/fleet';
import { buildStatusMatrix } from '../../src/core/fleet/matrix';
import type { HistoryRow } from '../../src/core/history';
import { parseMigrationFile, type MigrationFile } from '../../src/core/migration-file';
import { computeStatus, type MigrationStatus } from '../../src/core/planner';
import { MATRIX_GLYPHS, matrixSummary, renderFleetSection } from '../../src/extension/model/fleet-panel-html';
import { fleetNotice, FleetProgress, fleetWhat, fleetWhere, migrationsChanged } from '../../src/extension/model/fleet-run';
import { fleetEnvironmentItem, fleetStatusBar, fleetTargetItems, HEALTH_ICONS, mostBehind, targetHealth, targetMigrationItems, targetShortName, withFiles, type FleetTargetInput } from '../../src/extension/model/fleet-tree';
import { renderPanelBody } from '../../src/extension/model/status-panel-html';

const ROOT = path.resolve(__dirname, '..', '..', '..');

const FILES: MigrationFile[] = ['create_missions', 'add_launch_date', 'create_observations'].map((n, i) => {
  const v = String(i + 1).padStart(3, '0');
  return parseMigrationFile(`-- Up migration\nCREATE TABLE t${i} (id bigint);\n-- Down migration\nDROP TABLE t${i};\n`, `migrations/${v}_${n}.sql`, `${v}_${n}.sql`);
});

function row(f: MigrationFile, status: HistoryRow['status'] = 'applied'): HistoryRow {
  return { version: f.version, name: f.name, checksum: f.checksum, downSql: 'DROP TABLE x;', status, transactional: true, appliedAt: new Date(2026, 0, 2), appliedBy: 'ci', durationMs: 5, environment: 'tenants', batch: 1 } as HistoryRow;
}

/** Statuses of a target that applied the first `n` files (the last of them dirty when asked). */
function statuses(n: number, dirtyLast = false): MigrationStatus[] {
  const rows = FILES.slice(0, n).map((f, i) => row(f, dirtyLast && i === n - 1 ? 'running' as HistoryRow['status'] : 'applied'));
  return computeStatus(FILES, rows, { environment: 'tenants' });
}

function target(key: string, over: Partial<FleetTargetInput> = {}): FleetTargetInput {
  return { key, label: `pglite:fleet/${key}`, schema: null, statuses: null, error: null, failure: null, ...over };
}

function fleetTarget(key: string, schema: string | null = null): FleetTarget {
  return { key, label: schema ? `postgres://app@db/saas schema ${schema}` : `pglite:fleet/${key}`, connection: { kind: 'pglite', dataDir: `/x/${key}`, source: 'test' }, schema } as FleetTarget;
}

describe('extension fleet model: the target level of the tree', () => {
  it('aggregates a target: all applied / some pending / failed or dirty / unreadable / not read', () => {
    assert.equal(targetHealth(target('a', { statuses: statuses(3) })), 'applied');
    assert.equal(targetHealth(target('a', { statuses: statuses(1) })), 'pending');
    assert.equal(targetHealth(target('a', { statuses: statuses(2, true) })), 'failed', 'a dirty migration');
    assert.equal(targetHealth(target('a', { statuses: statuses(3), failure: 'E_MIGRATION_FAILED: boom' })), 'failed', 'the last run failed on it');
    assert.equal(targetHealth(target('a', { error: 'E_CONNECTION: refused' })), 'unreadable');
    assert.equal(targetHealth(target('a')), 'unknown');
  });

  it('a row per target: redacted label, icon and colour by state, "N pending" description, context values for the menus', () => {
    const items = fleetTargetItems('file:///w', 'tenants', [
      target('a', { statuses: statuses(3) }),
      target('b', { statuses: statuses(0) }),
      target('c', { statuses: statuses(2, true) }),
      target('d', { error: 'E_CONNECTION: connect ECONNREFUSED 127.0.0.1:5432' }),
    ]);
    assert.deepEqual(items.map((i) => i.label), ['pglite:fleet/a', 'pglite:fleet/b', 'pglite:fleet/c', 'pglite:fleet/d']);
    assert.deepEqual(items.map((i) => i.description), ['up to date', '3 pending', 'dirty: 002_add_launch_date · 1 pending', 'unreadable']);
    assert.deepEqual(items.map((i) => i.icon), [HEALTH_ICONS.applied.icon, HEALTH_ICONS.pending.icon, HEALTH_ICONS.failed.icon, HEALTH_ICONS.unreadable.icon]);
    assert.equal(items[0]!.color, 'testing.iconPassed');
    assert.equal(items[2]!.color, 'editorError.foreground');
    assert.deepEqual(items.map((i) => i.contextValue), ['fleetTarget.applied.applied', 'fleetTarget.pending.pending', 'fleetTarget.failed.pending.applied', 'fleetTarget.unreadable']);
    assert.equal(new Set(items.map((i) => i.id)).size, 4);
    assert.match(items[3]!.tooltip, /Unreadable \| E\\_CONNECTION: connect ECONNREFUSED/);
  });

  it('the menus of package.json match the target rows: Up inline when something is pending, Down when something is applied', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when: string; group?: string }[]> } };
    const menus = pkg.contributes.menus['view/item/context']!;
    const inline = (cv: string) => menus.filter((m) => m.group?.startsWith('inline')).filter((m) => {
      const re = /viewItem =~ \/(.*)\/$/.exec(m.when);
      return re && new RegExp(re[1]!).test(cv);
    }).map((m) => m.command).sort();
    const [applied, pending, both] = fleetTargetItems('k', 'e', [target('a', { statuses: statuses(3) }), target('b', { statuses: statuses(0) }), target('c', { statuses: statuses(1) })]);
    assert.deepEqual(inline(applied!.contextValue), ['databaseMigration.down']);
    assert.deepEqual(inline(pending!.contextValue), ['databaseMigration.up']);
    assert.deepEqual(inline(both!.contextValue), ['databaseMigration.down', 'databaseMigration.up']);
    const env = fleetEnvironmentItem('tenants', 3, null, false);
    const backup = menus.find((m) => m.command === 'databaseMigration.backup' && m.when.includes('environment'))!;
    assert.doesNotMatch(env.contextValue, new RegExp(/\/(.*)\/$/.exec(backup.when)![1]!), 'Back Up Now is not offered on a fleet (it runs on one database)');
    assert.match('environment', new RegExp(/\/(.*)\/$/.exec(backup.when)![1]!));
  });

  it("a target's migrations are the ordinary migration rows, with ids of their own and the files' down sections", () => {
    const t = target('b', { statuses: computeStatus(FILES.map(({ version, name, file, checksum, depends, transactional, environments }) => ({ version, name, file, checksum, depends, transactional, environments })), [row(FILES[0]!)], { environment: 'e' }) as MigrationStatus[] });
    const items = targetMigrationItems({ folderKey: 'file:///w', environment: 'tenants', root: '/w', target: t, files: FILES, edges: [] });
    assert.deepEqual(items.map((i) => i.label), ['001_create_missions', '002_add_launch_date', '003_create_observations']);
    assert.deepEqual(items.map((i) => i.state), ['applied', 'pending', 'pending']);
    assert.equal(items[0]!.id, 'file:///w|target:b|tenants|001');
    assert.equal(items[1]!.contextValue, 'migration.pending.file.reversible', 'the down section comes from the file on disk');
    assert.equal(items[1]!.file, path.join('/w', 'migrations/002_add_launch_date.sql'));
    // A file the status knows but the disk list does not: no down section is assumed.
    const merged = withFiles(t.statuses!, FILES.slice(0, 1));
    assert.equal(merged[2]!.file!.down, null);
  });

  it('the environment row says "fleet: N targets", then what needs attention', () => {
    assert.equal(fleetEnvironmentItem('tenants', 3, null, false).description, 'fleet: 3 targets');
    assert.equal(fleetEnvironmentItem('tenants', null, null, false).description, 'fleet');
    assert.equal(fleetEnvironmentItem('tenants', 3, null, false, true).description, 'fleet: 3 targets — reading…');
    const matrix = buildStatusMatrix([{ key: 'a', label: 'a', statuses: statuses(3) }, { key: 'b', label: 'b', statuses: statuses(1) }, { key: 'c', label: 'c', error: 'refused' }]);
    assert.equal(fleetEnvironmentItem('tenants', 3, matrix, false).description, 'fleet: 3 targets — 1 behind, 1 unreadable');
    const fine = buildStatusMatrix([{ key: 'a', label: 'a', statuses: statuses(3) }]);
    assert.equal(fleetEnvironmentItem('tenants', 1, fine, false).description, 'fleet: 1 target — all up to date');
    const p = fleetEnvironmentItem('prod', 2, null, true);
    assert.deepEqual([p.icon, p.contextValue], ['shield', 'environment.protected.fleet']);
  });

  it('the status bar says how far the fleet is behind', () => {
    const matrix = buildStatusMatrix([{ key: 'a', label: 'a', statuses: statuses(3) }, { key: 'b', label: 'b', statuses: statuses(1) }, { key: 'c', label: 'c', error: 'refused' }]);
    assert.deepEqual(fleetStatusBar({ environment: 'tenants', count: 3, matrix }, false),
      { text: '$(database) tenants · fleet: 1 of 3 behind, 1 unreadable', tooltip: 'environment "tenants" (fleet of 3 targets): 1 of 3 behind, 1 unreadable' });
    assert.equal(fleetStatusBar({ environment: 'tenants', count: 1, matrix: buildStatusMatrix([{ key: 'a', label: 'a', statuses: statuses(3) }]) }, true)!.text, '$(shield) tenants · fleet: up to date');
    assert.equal(fleetStatusBar({ environment: 'tenants', count: null, matrix: null }, false)!.text, '$(database) tenants · fleet');
    assert.equal(fleetStatusBar(null, false), null);
  });

  it('"up" lints what the target most behind applies', () => {
    const s = mostBehind([target('a', { statuses: statuses(2) }), target('b', { statuses: statuses(0) }), target('c')]);
    assert.equal(s!.filter((x) => x.state === 'pending').length, 3);
    assert.equal(mostBehind([target('c')]), null);
  });
});

describe('extension fleet model: a run', () => {
  it('progress per target: "tenant_07: applying 002_x (2 of 5) — 12 of 50 targets", an increment per finished target', () => {
    const p = new FleetProgress(3);
    const t7 = fleetTarget('schema-tenant_07', 'tenant_07');
    const a = fleetTarget('a');
    const steps = ([
      { type: 'target-start', target: t7, canary: true },
      { type: 'engine', target: t7, event: { type: 'migration-start', direction: 'up', id: '002_x', index: 2, total: 5 } },
      { type: 'engine', target: t7, event: { type: 'statement-done', id: '002_x', line: 3, durationMs: 1 } },
      { type: 'target-done', target: t7, durationMs: 5, summary: '5 applied' },
      { type: 'engine', target: a, event: { type: 'migration-start', direction: 'down', id: '003_y', index: 1, total: 1 } },
      { type: 'target-failed', target: a, error: { code: 'E_MIGRATION_FAILED', message: 'boom', hint: null, exitCode: 1 } },
      { type: 'target-skipped', target: fleetTarget('b'), reason: 'stopped' },
    ] as FleetEvent[]).map((e) => p.on(e));
    assert.deepEqual(steps.map((s) => s?.message ?? null), [
      'tenant_07: started (canary) — 0 of 3 targets',
      'tenant_07: applying 002_x (2 of 5) — 0 of 3 targets',
      null,
      'tenant_07: done, 5 applied — 1 of 3 targets',
      'pglite:fleet/a: rolling back 003_y (1 of 1) — 1 of 3 targets',
      'pglite:fleet/a: failed — 2 of 3 targets',
      null,
    ]);
    assert.equal(steps.reduce((n, s) => n + (s?.increment ?? 0), 0).toFixed(3), (200 / 3).toFixed(3));
    assert.equal(p.done, 2);
    assert.equal(targetShortName(t7), 'tenant_07');
  });

  const result = (key: string, state: 'ok' | 'failed' | 'skipped', applied = 0) => ({
    key, label: `pglite:fleet/${key}`, schema: null, state, canary: false, durationMs: 1,
    error: state === 'failed' ? { code: 'E_MIGRATION_FAILED', message: '002_x failed (up): relation "t" already exists\nmore', hint: 'fix it', exitCode: 1 } : null,
    reason: state === 'skipped' ? 'pglite:fleet/b failed and the failure policy is "stop"' : null,
    result: state === 'ok' ? { migrations: new Array(applied).fill({}) } : null,
  });

  it('the notification names the failed targets (and the one error), or says all went well', () => {
    const ok: FleetRun<{ migrations: unknown[] }> = { environment: 'tenants', ok: true, results: [result('a', 'ok', 2), result('b', 'ok', 3)] };
    const n = fleetNotice(ok, 'up', migrationsChanged(ok, 'up'));
    assert.deepEqual(n, { level: 'info', text: 'Up on fleet "tenants": 2 of 2 targets ok (5 migrations applied).', failed: [] });
    const bad: FleetRun<{ migrations: unknown[] }> = { environment: 'tenants', ok: false, results: [result('a', 'ok', 1), result('b', 'failed'), result('c', 'skipped')] };
    const m = fleetNotice(bad, 'up');
    assert.equal(m.level, 'error');
    assert.deepEqual(m.failed, ['pglite:fleet/b']);
    assert.equal(m.text, 'Up on fleet "tenants": 1 ok; 1 failed: pglite:fleet/b (002_x failed (up): relation "t" already exists); 1 not started (pglite:fleet/b failed and the failure policy is "stop").');
    const two = fleetNotice({ environment: 'e', ok: false, results: [result('a', 'failed'), result('b', 'failed')] }, 'down');
    assert.equal(two.text, 'Down on fleet "e": 0 ok; 2 failed: pglite:fleet/a, pglite:fleet/b.');
  });

  it('the progress title and confirmation say what runs where', () => {
    assert.equal(fleetWhat('up', undefined, fleetWhere('tenants', null, 3)), 'Apply pending migrations on each of the 3 targets of fleet "tenants"');
    assert.equal(fleetWhat('down', '002', fleetWhere('tenants', 'pglite:fleet/a', 3)), 'Roll back down to and including 002 on target pglite:fleet/a of fleet "tenants"');
    assert.equal(fleetWhat('verify', undefined, fleetWhere('saas', null, null)), 'Verify rollbacks on every target of fleet "saas"');
  });
});

describe('extension fleet model: the status panel matrix', () => {
  const matrix = () => buildStatusMatrix([
    { key: 'a', label: 'pglite:fleet/a', statuses: statuses(3) },
    { key: 'b', label: 'pglite:fleet/b', statuses: statuses(1) },
    { key: 'c', label: 'pglite:fleet/c', statuses: statuses(2, true) },
    { key: 'd', label: 'postgres://app@db4/x', error: 'E_CONNECTION: refused <at> 5432' },
  ]);

  it('a row per target, the columns applied everywhere folded, glyphs with state classes, tooltips with the error', () => {
    const html = renderFleetSection(matrix());
    const heads = [...html.matchAll(/<th scope="col" class="cell clip" title="([^"]*)">([^<]*)</g)].map((m) => [m[1], m[2]]);
    assert.deepEqual(heads, [['002_add_launch_date', '002'], ['003_create_observations', '003']], '001 is applied on every readable target: folded');
    assert.match(html, /1 migration applied on every target not shown/);
    assert.equal((html.match(/<tr data-target-key=/g) ?? []).length, 4);
    assert.match(html, /<td class="cell state-dirty" title="pglite:fleet\/c — 002_add_launch_date: dirty \(interrupted\)">!<\/td>/);
    assert.match(html, /<td class="cell state-pending" title="pglite:fleet\/b — 003_create_observations: pending">·<\/td>/);
    assert.match(html, /<td colspan="2" class="clip failed unreadable" title="postgres:\/\/app@db4\/x: unreadable — E_CONNECTION: refused &lt;at&gt; 5432">E_CONNECTION: refused &lt;at&gt; 5432<\/td>/,
      'an unreadable target: the error across its cells and in the tooltip, escaped');
    assert.match(html, /<td class="clip failed" title="E_CONNECTION: refused &lt;at&gt; 5432">unreadable<\/td>/);
    assert.match(html, /<td class="clip state-pending" title="2 behind">2 behind<\/td>/);
    assert.match(html, /<p id="fleet-totals">4 targets: 1 up to date, 2 behind, 1 with drift, 1 unreadable<\/p>/);
    assert.match(html, /<span class="state-dirty">!<\/span>&nbsp;dirty/, 'the legend');
    assert.equal(MATRIX_GLYPHS.applied, '✓');
  });

  it('at most `max` columns: the newest is always among them', () => {
    const many = Array.from({ length: 30 }, (_, i) => parseMigrationFile('-- Up migration\nSELECT 1;\n', `migrations/${String(i + 1).padStart(3, '0')}_m.sql`, `${String(i + 1).padStart(3, '0')}_m.sql`));
    const behind = computeStatus(many, [], { environment: 'e' });
    const m = buildStatusMatrix([{ key: 'a', label: 'a', statuses: behind }]);
    const html = renderFleetSection(m, 12);
    assert.equal((html.match(/<col class="w-cell">/g) ?? []).length, 12);
    assert.doesNotMatch(html, /applied on every target not shown/, 'none of them is applied anywhere');
    assert.match(html, /; 18 more that differ not shown \(the oldest 11 and the newest are\)/);
    assert.match(html, /<th scope="col" class="cell clip" title="030_m">030<\/th>/, 'the newest is shown');
    // Timestamp versions do not fit a narrow column: written upwards, whole.
    const stamps = many.map((f, i) => ({ ...f, version: `202611011200${String(i).padStart(2, '0')}` }));
    const wide = renderFleetSection(buildStatusMatrix([{ key: 'a', label: 'a', statuses: computeStatus(stamps, [], { environment: 'e' }) }]));
    assert.match(wide, /<th scope="col" class="cell vertical" title="20261101120029_m">20261101120029<\/th>/);
  });

  it('the panel body shows the matrix instead of one database\'s tables, with the fleet summary', () => {
    const body = renderPanelBody({ folder: 'w', environment: 'tenants', database: 'fleet of 4 target(s)', statuses: [], log: [], backups: [], edges: [], canRun: true, updatedAt: new Date(2026, 0, 1), fleet: matrix() });
    assert.match(body, /id="fleet-matrix"/);
    assert.doesNotMatch(body, /id="applied-state"/);
    assert.match(body, /<p id="summary" role="status">w · fleet of 4 target\(s\) · 4 targets: 1 up to date/);
    assert.equal(matrixSummary(buildStatusMatrix([])), '0 targets: 0 up to date');
    assert.match(renderFleetSection(buildStatusMatrix([])), /This fleet has no targets/);
  });
});
