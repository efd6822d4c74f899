import assert from 'node:assert/strict';
import { nextVersion } from '../../src/core/create';
import { compareVersions, isRepeatableVersion, matchesMigrationRef, migrationId, parseMigrationFile } from '../../src/core/migration-file';
import { computeStatus, planUp } from '../../src/core/planner';

describe('versions of every format', () => {
  it('compares dotted versions part by part (Flyway 1.2.10 after 1.2.9, 1 equals 1.0)', () => {
    assert.equal(compareVersions('1.2.10', '1.2.9'), 1);
    assert.equal(compareVersions('1.10', '1.9'), 1);
    assert.equal(compareVersions('2', '1.9'), 1);
    assert.equal(compareVersions('1', '1.0'), 0);
    assert.equal(compareVersions('1.1', '1'), 1);
  });

  it('puts repeatable versions after every versioned one, in name order', () => {
    const sorted = ['R_views', '20260101000000', '002', 'R_functions', '1.5'].sort(compareVersions);
    assert.deepEqual(sorted, ['1.5', '002', '20260101000000', 'R_functions', 'R_views']);
    assert.ok(isRepeatableVersion('R_views'));
    assert.ok(!isRepeatableVersion('Rover'));
  });

  it('reads R_name.sql as a repeatable migration keyed R_name', () => {
    const m = parseMigrationFile('-- Up migration\nCREATE OR REPLACE VIEW v AS SELECT 1;\n', 'migrations/R_mission_views.sql');
    assert.equal(m.version, 'R_mission_views');
    assert.equal(m.name, 'mission_views');
    assert.equal(m.repeatable, true);
    assert.equal(migrationId(m), 'R_mission_views');
    assert.ok(matchesMigrationRef(m, 'R_mission_views.sql'));
  });

  it('--create numbers after the versioned migrations, ignoring repeatable and dotted ones', () => {
    assert.equal(nextVersion(['001', '002', 'R_views'], 'sequential'), '003');
    assert.equal(nextVersion(['001', '1.5', 'R_views'], 'sequential'), '002');
  });

  it('plans a changed repeatable again and keeps it out of out-of-order checks', () => {
    const files = [
      parseMigrationFile('-- Up migration\nCREATE TABLE a (id int);\n', 'migrations/001_a.sql'),
      parseMigrationFile('-- Up migration\nCREATE OR REPLACE VIEW v AS SELECT 2 AS x;\n', 'migrations/R_v.sql'),
      parseMigrationFile('-- Up migration\nCREATE TABLE b (id int);\n', 'migrations/002_b.sql'),
    ];
    const row = (version: string, name: string, checksum: string) => ({ version, name, checksum, downSql: null, status: 'applied' as const, transactional: true,
      appliedAt: new Date(), appliedBy: 'me', durationMs: 1, environment: 'test', batch: 1 });
    const statuses = computeStatus(files, [row('001', 'a', files[0]!.checksum), row('R_v', 'v', 'old-checksum')], { environment: 'test' });
    assert.deepEqual(statuses.map((s) => [s.version, s.state, s.outOfOrder]), [['001', 'applied', false], ['002', 'pending', false], ['R_v', 'outdated', false]]);
    assert.deepEqual(planUp(statuses).map((s) => s.migration.version), ['002', 'R_v']);
  });
});
