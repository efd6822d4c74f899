/**
 * The extension's fleet models over real core results (issue 19): a fleet of three PGlite directories is run the
 * way the extension runs it (core's Fleet, the whole fleet or one target) and read back; the tree rows, the progress
 * messages, the notification and the panel's matrix are built from what the engine returned. No VS Code needed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { effectiveRunSettings, Fleet, openFleet, type FleetEvent, type FleetOptions, type FleetStatus } from '../../src/core/fleet';
import { readProjectMigrations } from '../../src/core/formats';
import { openProject, type Project } from '../../src/core/project';
import { renderFleetSection } from '../../src/extension/model/fleet-panel-html';
import { fleetNotice, FleetProgress, migrationsChanged } from '../../src/extension/model/fleet-run';
import { fleetEnvironmentItem, fleetTargetItems, targetMigrationItems, type FleetTargetInput } from '../../src/extension/model/fleet-tree';
import type { MigrationRun } from '../../src/core/migrate';
import { queryPglite, smallMigrations } from './fleet-helpers';
import { pgliteTemplate } from './harness';

function inputs(status: FleetStatus, failures: Map<string, string> = new Map()): FleetTargetInput[] {
  return status.results.map((r) => ({ key: r.key, label: r.label, schema: r.schema, statuses: r.result, error: r.error ? `${r.error.code}: ${r.error.message}` : r.reason, failure: failures.get(r.key) ?? null }));
}

describe('extension fleet models over a real fleet of PGlite directories', function () {
  this.timeout(240000);
  let dir: string;
  let project: Project;
  const messages: string[] = [];
  let counter: FleetProgress | undefined;
  const options: FleetOptions = { onEvent: (e: FleetEvent) => { const step = counter?.on(e); if (step) messages.push(step.message); }, engineOptions: { confirmed: true } };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-extfleet-'));
    for (const [rel, text] of Object.entries(smallMigrations(3))) {
      fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'migrations', rel), text);
    }
    const template = await pgliteTemplate();
    for (const t of ['a', 'b', 'c']) fs.cpSync(template, path.join(dir, 'fleet', t), { recursive: true });
    fs.writeFileSync(path.join(dir, 'database-migration.config.json'), JSON.stringify({
      defaultEnvironment: 'tenants',
      environments: { tenants: { backups: { enabled: false }, targets: { urls: ['pglite:fleet/a', 'pglite:fleet/b', 'pglite:fleet/c'], parallel: 3, onFailure: 'continue' } } },
    }));
    // Target c cannot take 002: its table is already there.
    await queryPglite(path.join(dir, 'fleet', 'c'), 'CREATE TABLE t2 (other int)');
    project = openProject({ cwd: dir, processEnv: {} });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('before any run: three targets, each "3 pending"; the environment row says "fleet: 3 targets"', async () => {
    const fleet = await openFleet(project, { ...options, processEnv: {} });
    const status = await fleet.status(effectiveRunSettings(project.environment.settings.targets, {}));
    const items = fleetTargetItems('f', 'tenants', inputs(status));
    assert.deepEqual(items.map((i) => [i.label, i.description, i.health]), [
      ['pglite:fleet/a', '3 pending', 'pending'], ['pglite:fleet/b', '3 pending', 'pending'], ['pglite:fleet/c', '3 pending', 'pending']]);
    assert.equal(fleetEnvironmentItem('tenants', fleet.targets.length, status.matrix, false).description, 'fleet: 3 targets — 3 behind');
  });

  it('"up" on one target alone (its row): only that target changes', async () => {
    const fleet = await openFleet(project, { ...options, processEnv: {} });
    const one = new Fleet(project, [fleet.targets[0]!], options);
    counter = new FleetProgress(1);
    messages.length = 0;
    const run = await one.up({}, effectiveRunSettings(project.environment.settings.targets, {}));
    assert.equal(fleetNotice(run, 'up', migrationsChanged(run as typeof run & { results: { result: MigrationRun | null }[] }, 'up')).text, 'Up on fleet "tenants": 1 of 1 target ok (3 migrations applied).');
    assert.deepEqual(messages, [
      'pglite:fleet/a: started — 0 of 1 target',
      'pglite:fleet/a: applying 001_t1 (1 of 3) — 0 of 1 target',
      'pglite:fleet/a: applying 002_t2 (2 of 3) — 0 of 1 target',
      'pglite:fleet/a: applying 003_t3 (3 of 3) — 0 of 1 target',
      'pglite:fleet/a: done, 3 applied — 1 of 1 target',
    ]);
    const status = await fleet.status(effectiveRunSettings(project.environment.settings.targets, {}));
    assert.deepEqual(fleetTargetItems('f', 'tenants', inputs(status)).map((i) => i.description), ['up to date', '3 pending', '3 pending']);
  });

  it('"up" on the fleet: a failing target is named, the tree marks it failed, the matrix shows where each target stands', async () => {
    const fleet = await openFleet(project, { ...options, processEnv: {} });
    counter = new FleetProgress(fleet.targets.length);
    messages.length = 0;
    const run = await fleet.up({}, effectiveRunSettings(project.environment.settings.targets, {}));
    const notice = fleetNotice(run, 'up');
    assert.equal(notice.level, 'error');
    assert.deepEqual(notice.failed, ['pglite:fleet/c']);
    assert.match(notice.text, /^Up on fleet "tenants": 2 ok; 1 failed: pglite:fleet\/c \(002_t2 failed \(up\): relation "t2" already exists/);
    assert.ok(messages.some((m) => /^pglite:fleet\/b: applying 00\d_t\d \(\d of 3\) — \d of 3 targets$/.test(m)), messages.join('\n'));
    assert.equal(messages.filter((m) => / — 3 of 3 targets$/.test(m)).length, 1, 'the last target to finish says 3 of 3');

    const failures = new Map(run.results.filter((r) => r.state === 'failed').map((r) => [r.key, `${r.error!.code}: ${r.error!.message}`]));
    const status = await fleet.status(effectiveRunSettings(project.environment.settings.targets, {}));
    const targets = inputs(status, failures);
    const items = fleetTargetItems('f', 'tenants', targets);
    assert.deepEqual(items.map((i) => [i.description, i.health]), [['up to date', 'applied'], ['up to date', 'applied'], ['last run failed · 2 pending', 'failed']]);
    assert.match(items[2]!.tooltip, /Last run \| failed: E\\_MIGRATION\\_FAILED: 002\\_t2 failed/);
    const { migrations: files } = readProjectMigrations(project.config);
    const rows = targetMigrationItems({ folderKey: 'f', environment: 'tenants', root: dir, target: targets[2]!, files, edges: [] });
    assert.deepEqual(rows.map((r) => [r.label, r.state]), [['001_t1', 'applied'], ['002_t2', 'pending'], ['003_t3', 'pending']]);
    assert.equal(rows[0]!.contextValue, 'migration.applied.file.reversible');

    const html = renderFleetSection(status.matrix);
    assert.match(html, /<th scope="col" class="cell clip" title="002_t2">002<\/th><th scope="col" class="cell clip" title="003_t3">003<\/th>/);
    assert.match(html, /1 migration applied on every target not shown/);
    assert.match(html, /<td class="cell state-pending" title="pglite:fleet\/c — 002_t2: pending">·<\/td>/);
    assert.match(html, /<p id="fleet-totals">3 targets: 2 up to date, 1 behind<\/p>/);
  });

  it('"down" on one target: its last migration is rolled back there and nowhere else', async () => {
    const fleet = await openFleet(project, { ...options, processEnv: {} });
    const b = fleet.targets.find((t) => t.label === 'pglite:fleet/b')!;
    counter = new FleetProgress(1);
    messages.length = 0;
    const run = await new Fleet(project, [b], options).down({}, effectiveRunSettings(project.environment.settings.targets, {}));
    assert.equal(fleetNotice(run, 'down', migrationsChanged(run as typeof run & { results: { result: MigrationRun | null }[] }, 'down')).text, 'Down on fleet "tenants": 1 of 1 target ok (1 migration rolled back).');
    assert.ok(messages.includes('pglite:fleet/b: rolling back 003_t3 (1 of 1) — 0 of 1 target'), messages.join('\n'));
    const status = await fleet.status(effectiveRunSettings(project.environment.settings.targets, {}));
    assert.deepEqual(fleetTargetItems('f', 'tenants', inputs(status)).map((i) => i.description), ['up to date', '1 pending', '2 pending']);
    const versions = await queryPglite<{ version: string }>(path.join(dir, 'fleet', 'a'), 'SELECT version FROM database_migrations ORDER BY version');
    assert.deepEqual(versions.map((v) => v.version), ['001', '002', '003'], 'target a untouched');
  });
});
