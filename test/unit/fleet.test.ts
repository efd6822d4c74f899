import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { CONFIG_FILE_NAME, loadConfig } from '../../src/core/config';
import { startupOptions } from '../../src/core/db/pg-database';
import { MigrationError } from '../../src/core/errors';
import { buildStatusMatrix, interestingColumns, citusRole, citusSessionSettings, effectiveRunSettings, openFleet, type MatrixInput } from '../../src/core/fleet';
import { openProject } from '../../src/core/project';
import { schedule } from '../../src/core/fleet/schedule';
import { targetFromString, targetsFromUrls, targetsFromValues } from '../../src/core/fleet/targets';
import type { MigrationState, MigrationStatus } from '../../src/core/planner';
import { PLAIN_STYLE, renderStatusMatrix } from '../../src/core/report';
import type { StatusFile } from '../../src/core/migration-file';

const dirs: string[] = [];
function project(config: unknown): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-fleet-unit-'));
  dirs.push(d);
  fs.writeFileSync(path.join(d, CONFIG_FILE_NAME), JSON.stringify(config));
  fs.mkdirSync(path.join(d, 'migrations'));
  return d;
}
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function statuses(states: [string, MigrationState][]): MigrationStatus<StatusFile>[] {
  return states.map(([version, state]) => ({ version, name: `m${version}`, state, outOfOrder: false, file: null, history: null }));
}

describe('fleet: config', () => {
  it('accepts every shape of "targets" and refuses a mixed or unknown one, naming the key', () => {
    for (const targets of [['postgres://a@h/db1'], { urls: ['postgres://a@h/db1'], parallel: 2 }, { query: 'SELECT url FROM tenants' }, { schemas: 'tenant_%', exclude: ['tenant_x'], onFailure: 'continue', canary: 1 }]) {
      const dir = project({ environments: { prod: { targets } } });
      assert.deepEqual(loadConfig({ cwd: dir }).environments['prod']!.targets, targets);
    }
    const cases: [unknown, RegExp][] = [
      [{ urls: ['postgres://a@h/x'], schemas: 'x_%' }, /^"environments\.prod\.targets" has "urls" and "schemas": give only one$/],
      [{ pattern: 'x' }, /^unknown key "environments\.prod\.targets\.pattern"$/],
      [[], /^"environments\.prod\.targets" is an empty list$/],
      [{ schemas: 'x', onFailure: 'maybe' }, /^"environments\.prod\.targets\.onFailure" must be "stop" or "continue"$/],
      [{ urls: ['postgres://a@h/x'], parallel: 0 }, /^"environments\.prod\.targets\.parallel" must be a whole number from 1 to 64$/],
      [{ urls: ['postgres://a@h/x', 7] }, /^"environments\.prod\.targets\.urls\[1\]" must be a connection URL/],
      [{ query: 'SELECT 1', exclude: ['a'] }, /^"environments\.prod\.targets\.exclude" must be a list of schema names or patterns, next to "schemas"$/],
      ['postgres://a@h/x', /^"environments\.prod\.targets" must be a list of URLs or an object$/],
    ];
    for (const [targets, message] of cases) {
      const dir = project({ environments: { prod: { targets } } });
      assert.throws(() => loadConfig({ cwd: dir }), (e: unknown) => e instanceof MigrationError && e.code === 'E_CONFIG_INVALID' && message.test(e.message), JSON.stringify(targets));
    }
  });

  it('a problem in "targets" names its line', () => {
    const dir = project({});
    fs.writeFileSync(path.join(dir, CONFIG_FILE_NAME), '{\n  "environments": {\n    "prod": {\n      "targets": {\n        "urls": ["postgres://a@h/x"],\n        "canary": -1\n      }\n    }\n  }\n}\n');
    assert.throws(() => loadConfig({ cwd: dir }), (e: unknown) => e instanceof MigrationError && e.location.line === 6 && /targets\.canary" must be a whole number of 0 or more/.test(e.message));
  });

  it('flags win over config, config over defaults', () => {
    assert.deepEqual(effectiveRunSettings(undefined, {}), { parallel: 4, canary: 0, onFailure: 'stop' });
    assert.deepEqual(effectiveRunSettings({ urls: ['x'], parallel: 8, onFailure: 'continue' }, { parallel: 2 }), { parallel: 2, canary: 0, onFailure: 'continue' });
  });
});

describe('fleet: targets', () => {
  it('labels redact passwords; keys hold neither the password nor depend on it', () => {
    const a = targetFromString('postgres://u:s3cret@db.example:5432/tenant_1', 'x', '/p', null);
    const b = targetFromString('postgres://u:other@db.example:5432/tenant_1', 'x', '/p', null);
    assert.equal(a.label, 'postgres://u:***@db.example:5432/tenant_1');
    assert.equal(a.key, b.key);
    assert.match(a.key, /^db-tenant_1-[0-9a-f]{8}$/);
    assert.doesNotMatch(a.key + a.label, /s3cret/);
  });

  it('pglite:<dir> is relative to the config directory; a query value that is not a URL is a schema of the control database', () => {
    const t = targetFromString('pglite:tenants/a', 'x', '/p', null);
    assert.deepEqual(t.connection, { kind: 'pglite', dataDir: '/p/tenants/a', source: 'x' });
    assert.equal(t.label, 'pglite:tenants/a');
    const control = { kind: 'postgres' as const, url: 'postgres://u@h/control', source: 'y' };
    const [url, schema] = targetsFromValues(['postgres://u@h/t1', 'tenant "x"'], control, 'postgres://u@h/control', '/p');
    assert.equal(url!.schema, null);
    assert.equal(schema!.schema, 'tenant "x"');
    assert.match(schema!.key, /^schema-tenant_x-[0-9a-f]{8}$/);
  });

  it('${env:VAR} in a list of targets is read from the environment (and .env); labels never show the value', async () => {
    const dir = project({ defaultEnvironment: 'prod', environments: { prod: { targets: ['postgres://deploy:${env:TENANT_PW}@db1/app', '${env:SHARD2_URL}'] } } });
    fs.writeFileSync(path.join(dir, '.env'), 'SHARD2_URL=postgres://deploy:from-dotenv@db2/app\n');
    const processEnv = { TENANT_PW: 's3cret' };
    const fleet = await openFleet(openProject({ cwd: dir, processEnv }), { processEnv });
    assert.deepEqual(fleet.targets.map((t) => t.connection.kind === 'postgres' && t.connection.url), ['postgres://deploy:s3cret@db1/app', 'postgres://deploy:from-dotenv@db2/app']);
    assert.deepEqual(fleet.targets.map((t) => t.label), ['postgres://deploy:***@db1/app', 'postgres://deploy:***@db2/app']);
    await assert.rejects(openFleet(openProject({ cwd: dir, processEnv: {} }), { processEnv: {} }),
      (e: unknown) => e instanceof MigrationError && e.code === 'E_ENV_VAR_MISSING' && /"environments\.prod\.targets\[0\]" uses \$\{env:TENANT_PW\}/.test(e.message));
  });

  it('the same database twice is refused, naming both', () => {
    assert.throws(() => targetsFromUrls(['postgres://u:a@h/db', 'postgres://u:b@h/db'], '/p'), /names the same target twice: postgres:\/\/u:\*\*\*@h\/db and postgres:\/\/u:\*\*\*@h\/db/);
    assert.throws(() => targetsFromUrls(['postgres://u@h/db', 'mysql://u@h/db'], '/p'), (e: unknown) => e instanceof MigrationError && e.code === 'E_BAD_URL');
  });
});

describe('fleet: schedule', () => {
  const work = (fail: Set<number>, log: string[], live = { now: 0, max: 0 }) => ({
    label: (t: number) => `t${t}`,
    run: async (t: number) => {
      live.now++; live.max = Math.max(live.max, live.now);
      log.push(`start ${t}`);
      await new Promise((r) => setTimeout(r, 5 + (t % 3) * 3));
      live.now--;
      if (fail.has(t)) throw new Error(`boom ${t}`);
      return t * 10;
    },
  });

  it('never runs more than "parallel" at once, and runs them all', async () => {
    const live = { now: 0, max: 0 };
    const out = await schedule<number, number>(Array.from({ length: 20 }, (_, k) => k), { parallel: 4, canary: 0, onFailure: 'stop' }, work(new Set(), [], live));
    assert.equal(live.max, 4);
    assert.deepEqual(out.map((o) => (o.state === 'ok' ? o.result : -1)), Array.from({ length: 20 }, (_, k) => k * 10));
  });

  it('stop: no target starts after a failure; continue: all run', async () => {
    const log: string[] = [];
    const stopped = await schedule<number, number>([0, 1, 2, 3, 4], { parallel: 1, canary: 0, onFailure: 'stop' }, work(new Set([2]), log));
    assert.deepEqual(stopped.map((o) => o.state), ['ok', 'ok', 'failed', 'skipped', 'skipped']);
    assert.deepEqual(log, ['start 0', 'start 1', 'start 2']);
    const s = stopped[3]!;
    assert.ok(s.state === 'skipped' && /t2 failed and the failure policy is "stop"/.test(s.reason));
    const cont = await schedule<number, number>([0, 1, 2, 3, 4], { parallel: 2, canary: 0, onFailure: 'continue' }, work(new Set([2]), []));
    assert.deepEqual(cont.map((o) => o.state), ['ok', 'ok', 'failed', 'ok', 'ok']);
  });

  it('the canary runs alone first; a failed canary starts nothing else, whatever the policy', async () => {
    const log: string[] = [];
    const ok = await schedule<number, number>([0, 1, 2, 3], { parallel: 4, canary: 1, onFailure: 'continue' }, work(new Set(), log));
    assert.equal(log[0], 'start 0');
    assert.ok(ok[0]!.canary && !ok[1]!.canary);
    const log2: string[] = [];
    const bad = await schedule<number, number>([0, 1, 2, 3], { parallel: 4, canary: 1, onFailure: 'continue' }, work(new Set([0]), log2));
    assert.deepEqual(bad.map((o) => o.state), ['failed', 'skipped', 'skipped', 'skipped']);
    assert.deepEqual(log2, ['start 0']);
  });
});

describe('fleet: status matrix', () => {
  const inputs: MatrixInput[] = [
    { key: 'a', label: 'A', statuses: statuses([['001', 'applied'], ['002', 'applied'], ['003', 'applied']]) },
    { key: 'b', label: 'B', statuses: statuses([['001', 'applied'], ['002', 'pending'], ['003', 'pending']]) },
    { key: 'c', label: 'C', statuses: statuses([['001', 'applied'], ['002', 'dirty'], ['003', 'pending']]) },
    { key: 'd', label: 'D', error: 'cannot connect' },
  ];

  it('has a row per target and a column per version, with counts', () => {
    const m = buildStatusMatrix(inputs);
    assert.deepEqual(m.columns.map((c) => c.id), ['001_m001', '002_m002', '003_m003']);
    assert.deepEqual(m.rows.map((r) => r.cells), [['applied', 'applied', 'applied'], ['applied', 'pending', 'pending'], ['applied', 'dirty', 'pending'], ['unknown', 'unknown', 'unknown']]);
    assert.deepEqual(m.rows.map((r) => [r.behind, r.drift]), [[0, false], [2, false], [1, true], [0, false]]);
    assert.deepEqual(m.totals, { targets: 4, upToDate: 1, behind: 2, drift: 1, unreadable: 1 });
  });

  it('renders symbols, folds columns applied everywhere, and names unreadable targets', () => {
    const text = renderStatusMatrix(buildStatusMatrix(inputs), PLAIN_STYLE);
    const lines = text.split('\n');
    assert.match(lines[0]!, /^target\s+002\s+003\s+state$/);
    assert.match(lines[2]!, /^B\s+·\s+·\s+2 behind$/);
    assert.match(lines[3]!, /^C\s+!\s+·\s+drift$/);
    assert.match(text, /D\s+unreadable: cannot connect/);
    assert.match(text, /1 migration applied on every target not shown/);
    assert.match(text, /4 targets: 1 up to date, 2 behind, 1 with drift, 1 unreadable/);
  });

  it('with more differing columns than fit, the newest is still shown and the rest are counted as differing, not as applied', () => {
    // 20 migrations: 1-5 applied everywhere, 6-20 pending on B (15 differ).
    const v = (i: number) => String(i).padStart(3, '0');
    const all = Array.from({ length: 20 }, (_, i) => i + 1);
    const m = buildStatusMatrix([
      { key: 'a', label: 'A', statuses: statuses(all.map((i) => [v(i), 'applied'] as [string, MigrationState])) },
      { key: 'b', label: 'B', statuses: statuses(all.map((i) => [v(i), i <= 5 ? 'applied' : 'pending'] as [string, MigrationState])) },
    ]);
    const { shown, folded, hidden } = interestingColumns(m, 12);
    assert.equal(shown.length, 12);
    assert.ok(shown.includes(19), 'the newest migration (020) is shown');
    assert.deepEqual(shown.slice(0, 11).map((k) => m.columns[k]!.version), ['006', '007', '008', '009', '010', '011', '012', '013', '014', '015', '016']);
    assert.equal(folded, 5, 'the five applied everywhere are folded');
    assert.equal(hidden, 3, '15 differ: the oldest 11 and the newest are shown, 017-019 are not');
    const text = renderStatusMatrix(m, PLAIN_STYLE);
    assert.match(text, /5 migrations applied on every target not shown; 3 more that differ not shown/);
  });
});

describe('fleet: Citus (recorded catalogs; Citus cannot be installed here)', () => {
  // Recorded from the shape of a Citus 12 cluster: a coordinator (local group 0, two primaries), a worker (group 2).
  it('a coordinator, a worker and plain PostgreSQL are told apart', () => {
    assert.equal(citusRole({ version: '12.1-1', localGroupId: 0, workers: 2 }), 'coordinator');
    assert.equal(citusRole({ version: '12.1-1', localGroupId: 2, workers: 2 }), 'worker');
    assert.equal(citusRole({ version: null, localGroupId: null, workers: 0 }), 'none');
  });

  it('a coordinator\'s migration sessions modify shards sequentially; others get nothing extra', () => {
    assert.deepEqual(citusSessionSettings({ version: '12.1-1', localGroupId: 0, workers: 2, role: 'coordinator' }), { 'citus.multi_shard_modify_mode': 'sequential' });
    assert.deepEqual(citusSessionSettings({ version: null, localGroupId: null, workers: 0, role: 'none' }), {});
  });

  it('startup options escape spaces and backslashes', () => {
    assert.equal(startupOptions({ search_path: '"tenant a", public', x: 'a\\b' }), '-c search_path="tenant\\ a",\\ public -c x=a\\\\b');
  });
});

describe('fleet: CLI usage', () => {
  const cli = async (args: string[], cwd: string) => {
    let out = '';
    const code = await runCli(args, { cwd, env: {}, output: { out: (t) => { out += `${t}\n`; }, err: (t) => { out += `${t}\n`; }, tty: false } });
    return { code, out };
  };

  it('two --url for a one-database action is an error naming both (redacted), not the last one silently', async () => {
    const dir = project({});
    const r = await cli(['--seed', '--url', 'postgres://u:pw1@h/a', '--url', 'postgres://u:pw2@h/b'], dir);
    assert.equal(r.code, 2);
    assert.match(r.out, /--url given 2 times \(postgres:\/\/u:\*\*\*@h\/a, postgres:\/\/u:\*\*\*@h\/b\), but --seed runs on one database/);
    assert.doesNotMatch(r.out, /pw1|pw2/);
  });

  it('fleet flags outside a fleet, and one-database actions on a fleet, are refused', async () => {
    const single = await cli(['--up', '--parallel', '2'], project({}));
    assert.equal(single.code, 2);
    assert.match(single.out, /--parallel applies to a fleet/);
    const fleet = await cli(['--seed'], project({ defaultEnvironment: 'prod', environments: { prod: { targets: ['postgres://u@h/a', 'postgres://u@h/b'] } } }));
    assert.equal(fleet.code, 2);
    assert.match(fleet.out, /environment "prod" is a fleet \("targets"\), and --seed runs on one database/);
    const canary = await cli(['--status', '--canary', '1'], project({ defaultEnvironment: 'prod', environments: { prod: { targets: ['postgres://u@h/a'] } } }));
    assert.equal(canary.code, 2);
    assert.match(canary.out, /--canary does not apply to --status/);
  });
});
