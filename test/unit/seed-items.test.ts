/**
 * Issue 17, the Seeds view (model only, no editor): each seed's last run (relative in the row, absolute in the
 * tooltip), its environment, "modified since last run", "never run"; the sample data set's last load and as_of date;
 * finding one seed by name or path; the CLI's --seed [file].
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildProgram, type CliOptions } from '../../src/cli/program';
import type { SeedFile } from '../../src/core/discovery';
import { formatTimestamp } from '../../src/core/report';
import { findSeed } from '../../src/core/seed';
import { seedState, type SampleDataHistory, type SeedHistory } from '../../src/core/seed-history';
import { ProgressPacing } from '../../src/extension/model/progress-pacing';
import { relativeTime, sampleDataAsOf, sampleDataItem, seedItems } from '../../src/extension/model/seed-items';

const NOW = new Date('2026-12-03T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const MIN = 60000;

const SEEDS: SeedFile[] = [
  { name: '001_users.sql', file: 'seeds/001_users.sql', sql: 'SELECT 1;', environments: null },
  { name: '002_cache.sql', file: 'seeds/002_cache.sql', sql: 'SELECT 2;', environments: ['development', 'test'] },
  { name: '003_never.sql', file: 'seeds/003_never.sql', sql: 'SELECT 3;', environments: null },
  { name: '004_prod.sql', file: 'seeds/004_prod.sql', sql: 'SELECT 4;', environments: ['production'] },
];

function history(): SeedHistory {
  const rec = (name: string, checksum: string, at: Date) => ({ name, checksum, appliedAt: at, appliedBy: 'ada', environment: 'development' });
  return {
    seeds: [
      { name: '001_users.sql', file: 'seeds/001_users.sql', state: 'ran', checksum: 'a'.repeat(64), last: rec('001_users.sql', 'a'.repeat(64), ago(5 * MIN)) },
      { name: '002_cache.sql', file: 'seeds/002_cache.sql', state: 'modified', checksum: 'b'.repeat(64), last: rec('002_cache.sql', 'c'.repeat(64), ago(3 * 3600000)) },
      { name: '003_never.sql', file: 'seeds/003_never.sql', state: 'never-run', checksum: 'd'.repeat(64), last: null },
      { name: '004_prod.sql', file: 'seeds/004_prod.sql', state: 'never-run', checksum: 'e'.repeat(64), last: null },
    ],
    sampleData: null,
  };
}

describe('Seeds view model (issue 17)', () => {
  it('relative times: just now, minutes, hours, days, months, years', () => {
    assert.equal(relativeTime(ago(10000), NOW), 'just now');
    assert.equal(relativeTime(new Date(NOW.getTime() + 60000), NOW), 'just now', 'a clock ahead of ours');
    assert.equal(relativeTime(ago(5 * MIN), NOW), '5 min ago');
    assert.equal(relativeTime(ago(3 * 3600000), NOW), '3 h ago');
    assert.equal(relativeTime(ago(86400000), NOW), '1 day ago');
    assert.equal(relativeTime(ago(10 * 86400000), NOW), '10 days ago');
    assert.equal(relativeTime(ago(90 * 86400000), NOW), '3 months ago');
    assert.equal(relativeTime(ago(2 * 365 * 86400000), NOW), '2 years ago');
  });

  it('a seed\'s state: never run without a history row, modified when the checksum changed, else ran', () => {
    const last = { name: 'x', checksum: 'abc', appliedAt: NOW, appliedBy: 'ada', environment: 'development' };
    assert.equal(seedState('abc', null), 'never-run');
    assert.equal(seedState('abc', last), 'ran');
    assert.equal(seedState('abd', last), 'modified');
  });

  it('rows say when each seed last ran and where, modified since, never run; other environments\' seeds stay "not for"', () => {
    const items = seedItems('k', 'development', SEEDS, history(), NOW);
    assert.deepEqual(items.map((i) => [i.label, i.description, i.icon, i.contextValue]), [
      ['001_users.sql', 'ran 5 min ago · development', 'pass-filled', 'seed'],
      ['002_cache.sql', 'modified since last run · ran 3 h ago · development', 'diff-modified', 'seed'],
      ['003_never.sql', 'never run', 'circle-large-outline', 'seed'],
      ['004_prod.sql', 'not for development', 'debug-step-over', 'seed.skipped'],
    ]);
    // The absolute time, who ran it and the environment are in the tooltip.
    assert.ok(items[0]!.tooltip.includes(`${formatTimestamp(ago(5 * MIN))} (5 min ago) by ada`), items[0]!.tooltip);
    assert.match(items[0]!.tooltip, /\| Environment \| development \|/);
    assert.match(items[1]!.tooltip, /modified since its last run/);
    assert.match(items[1]!.tooltip, /`bbbbbbbbbbbbbbbb…` \(was `cccccccccccccccc…` at that run\)/);
    assert.match(items[2]!.tooltip, /Last run \| never/);
  });

  it('before the database was read the rows show the environments a seed is for, as before', () => {
    const items = seedItems('k', 'production', SEEDS.slice(0, 2), null, NOW);
    assert.deepEqual(items.map((i) => [i.description, i.contextValue, i.icon]), [['all environments', 'seed', 'file-code'], ['not for production', 'seed.skipped', 'debug-step-over']]);
  });

  it('the sample data set: last loaded (relative, environment) and the oldest as_of of its files; stale data warns', () => {
    const data: SampleDataHistory = {
      dir: 'data',
      lastLoaded: { at: ago(2 * 3600000), environment: 'development', by: 'ada' },
      files: [{ file: 'planets.json', asOf: '2025-06', stale: false }, { file: 'missions.json', asOf: '2025-03-14', stale: false }, { file: 'x.json', asOf: null, stale: false }],
    };
    assert.equal(sampleDataAsOf(data), '2025-03-14');
    const item = sampleDataItem('k', 'data', data, NOW)!;
    assert.equal(item.label, 'Sample data (data)');
    assert.equal(item.description, 'loaded 2 h ago · development · data as of 2025-03-14');
    assert.equal(item.contextValue, 'sampleData');
    assert.equal(item.icon, 'library');
    assert.ok(item.tooltip.includes(`${formatTimestamp(ago(2 * 3600000))} (2 h ago) by ada`));
    assert.match(item.tooltip, /planets\.json \| as of 2025-06 \|/);
    const never = sampleDataItem('k', 'data', { ...data, lastLoaded: null, files: [{ file: 'planets.json', asOf: '2023-01', stale: true }] }, NOW)!;
    assert.equal(never.description, 'never loaded · data as of 2023-01');
    assert.equal(never.icon, 'warning');
    assert.match(never.tooltip, /over a year old/);
    assert.equal(sampleDataItem('k', 'data', null, NOW)!.description, 'JSON sample data set', 'before the database was read');
    assert.equal(sampleDataItem('k', null, null, NOW), null, 'no "sampleDataDir": no row');
  });

  it('one seed is found by its name, its name without .sql, or its path (relative or absolute)', () => {
    const root = path.resolve('/w/project');
    assert.equal(findSeed(SEEDS, '002_cache.sql', root)?.name, '002_cache.sql');
    assert.equal(findSeed(SEEDS, '002_cache', root)?.name, '002_cache.sql');
    assert.equal(findSeed(SEEDS, 'seeds/003_never.sql', root)?.name, '003_never.sql');
    assert.equal(findSeed(SEEDS, path.join(root, 'seeds', '001_users.sql'), root)?.name, '001_users.sql');
    assert.equal(findSeed(SEEDS, '005_missing', root), undefined);
  });

  it('the CLI: --seed alone seeds everything, --seed FILE names one seed file', () => {
    const parse = (args: string[]) => buildProgram().exitOverride().parse(args, { from: 'user' }).opts<CliOptions>();
    assert.equal(parse(['--seed', '--env', 'development']).seed, true);
    assert.equal(parse(['--seed', '001_synthetic_users.sql']).seed, '001_synthetic_users.sql');
  });
});

describe('progress pacing: "Applying …" sent before PGlite blocks (issue 17)', () => {
  it('mirrors VS Code\'s 100 ms throttle: no wait when a report went at once, the rest of the window when it was held', () => {
    let t = 1000;
    const p = new ProgressPacing(() => t);
    p.reported(); // the first report goes at once
    assert.equal(p.waitMs(), 0);
    t += 30;
    p.reported(); // 30 ms later: held until 100 ms after the first
    assert.equal(p.waitMs(), 70);
    t += 70;
    p.sent();
    t += 3000; // a long migration
    p.reported();
    assert.equal(p.waitMs(), 0, 'more than 100 ms since the last: at once');
  });

  it('waits at most its budget in one run (many fast migrations do not each add 100 ms)', () => {
    let t = 0;
    const p = new ProgressPacing(() => t, 100, 250);
    let total = 0;
    for (let i = 0; i < 10; i++) {
      p.reported();
      const w = p.waitMs();
      total += w;
      t += w;
      if (w > 0) p.sent();
      t += 5;
    }
    assert.ok(total <= 250, `waited ${total} ms`);
    assert.ok(total >= 200, `it did wait while the budget lasted (${total} ms)`);
  });

  it('flush() resolves after the held report\'s window, on a real clock', async () => {
    const p = new ProgressPacing();
    p.reported();
    p.reported();
    const t0 = Date.now();
    await p.flush();
    assert.ok(Date.now() - t0 >= 95, `flushed after ${Date.now() - t0} ms`);
    assert.equal(p.waitMs(), 0, 'nothing held afterwards');
  });
});
