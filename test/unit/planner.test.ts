import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MigrationError, type ErrorCode } from '../../src/core/errors';
import type { HistoryRow } from '../../src/core/history';
import { compareVersions, parseMigrationFile, type MigrationFile } from '../../src/core/migration-file';
import { computeStatus, planDown, planUp, resolveMigrationRef, type MigrationStatus } from '../../src/core/planner';

const ENV = { environment: 'development' };

interface MigOptions {
  up?: string;
  /** undefined: a standard down section; null: no down marker. */
  down?: string | null;
  depends?: string[];
  environments?: string[];
  transaction?: string;
}

function mig(version: string, name: string, o: MigOptions = {}): MigrationFile {
  const lines: string[] = [];
  if (o.depends) lines.push(`-- depends: ${o.depends.join(', ')}`);
  if (o.environments) lines.push(`-- environments: ${o.environments.join(', ')}`);
  if (o.transaction) lines.push(`-- transaction: ${o.transaction}`);
  lines.push('-- Up migration', o.up ?? `CREATE TABLE t${version} (id int);`);
  const down = o.down === undefined ? `DROP TABLE t${version};` : o.down;
  if (down !== null) lines.push('-- Down migration', down);
  return parseMigrationFile(`${lines.join('\n')}\n`, `migrations/${version}_${name}.sql`);
}

function row(m: MigrationFile | { version: string; name: string; checksum?: string }, extra: Partial<HistoryRow> = {}): HistoryRow {
  const isFile = 'up' in m;
  return {
    version: m.version,
    name: m.name,
    checksum: m.checksum ?? 'f'.repeat(64),
    downSql: isFile ? (m as MigrationFile).down : null,
    status: 'applied',
    transactional: isFile ? (m as MigrationFile).transactional : true,
    appliedAt: new Date(0),
    appliedBy: 'tester',
    durationMs: 1,
    environment: 'development',
    batch: 1,
    ...extra,
  };
}

function expectMigrationError(fn: () => unknown, code: ErrorCode): MigrationError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof MigrationError, `expected a MigrationError, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code} to be thrown`);
}

const ids = (xs: { version: string; name: string }[]) => xs.map((x) => `${x.version}_${x.name}`);
const upIds = (steps: { migration: MigrationFile }[]) => ids(steps.map((s) => s.migration));
const byVersion = (statuses: MigrationStatus[], v: string) => statuses.find((s) => compareVersions(s.version, v) === 0)!;

describe('computeStatus', () => {
  const m1 = mig('001', 'a');
  const m2 = mig('002', 'b');
  const m3 = mig('003', 'c');

  it('marks recorded migrations with a matching checksum as applied and the rest as pending', () => {
    const st = computeStatus([m1, m2, m3], [row(m1), row(m2)], ENV);
    assert.deepEqual(st.map((s) => s.state), ['applied', 'applied', 'pending']);
    assert.equal(st[0]!.file, m1);
    assert.equal(st[0]!.history!.version, '001');
    assert.equal(st[2]!.history, null);
    assert.ok(st.every((s) => !s.outOfOrder));
  });

  it('marks a recorded migration whose checksum differs as modified', () => {
    const st = computeStatus([m1, m2], [row(m1), row(m2, { checksum: 'a'.repeat(64) })], ENV);
    assert.equal(byVersion(st, '2').state, 'modified');
    assert.equal(byVersion(st, '1').state, 'applied');
  });

  it('marks a history row without a file as missing, with file null', () => {
    const gone = { version: '002', name: 'gone' };
    const st = computeStatus([m1, m3], [row(m1), row(gone), row(m3)], ENV);
    const s = byVersion(st, '2');
    assert.equal(s.state, 'missing');
    assert.equal(s.file, null);
    assert.equal(s.name, 'gone');
    assert.deepEqual(ids(st), ['001_a', '002_gone', '003_c']);
  });

  it('marks a history row with status running as dirty, with or without its file', () => {
    const st = computeStatus([m1, m2], [row(m1, { status: 'running' }), row({ version: '009', name: 'x' }, { status: 'running' })], ENV);
    assert.equal(byVersion(st, '1').state, 'dirty');
    assert.equal(byVersion(st, '9').state, 'dirty');
    assert.equal(byVersion(st, '9').file, null);
  });

  it('marks a pending migration whose environments exclude this one as skipped', () => {
    const onlyTest = mig('002', 'seed_test', { environments: ['test', 'ci'] });
    const devToo = mig('003', 'seed_dev', { environments: ['development'] });
    const st = computeStatus([m1, onlyTest, devToo], [], ENV);
    assert.deepEqual(st.map((s) => s.state), ['pending', 'skipped', 'pending']);
    assert.equal(computeStatus([onlyTest], [], { environment: 'test' })[0]!.state, 'pending');
  });

  it('an applied migration is applied even if its environments exclude this environment', () => {
    const onlyTest = mig('001', 'x', { environments: ['test'] });
    assert.equal(computeStatus([onlyTest], [row(onlyTest)], ENV)[0]!.state, 'applied');
  });

  it('flags pending migrations older than the newest applied one as out of order', () => {
    const st = computeStatus([m1, m2, m3], [row(m1), row(m3)], ENV);
    assert.equal(byVersion(st, '2').state, 'pending');
    assert.equal(byVersion(st, '2').outOfOrder, true);
    assert.equal(byVersion(st, '1').outOfOrder, false);
    assert.equal(byVersion(st, '3').outOfOrder, false);
  });

  it('flags skipped migrations older than the newest applied one as out of order too', () => {
    const skip = mig('002', 'b', { environments: ['production'] });
    const st = computeStatus([m1, skip, m3], [row(m1), row(m3)], ENV);
    assert.equal(byVersion(st, '2').state, 'skipped');
    assert.equal(byVersion(st, '2').outOfOrder, true);
  });

  it('pending migrations newer than every applied one are not out of order', () => {
    const st = computeStatus([m1, m2, m3], [row(m1)], ENV);
    assert.ok(st.every((s) => !s.outOfOrder));
  });

  it('matches history to files whatever the zero padding', () => {
    const st = computeStatus([mig('0002', 'b')], [row({ version: '2', name: 'b', checksum: mig('0002', 'b').checksum })], ENV);
    assert.equal(st.length, 1);
    assert.equal(st[0]!.state, 'applied');
    assert.equal(st[0]!.version, '0002');
  });

  it('sorts numerically by version, not by text', () => {
    const files = [mig('10', 'ten'), mig('9', 'nine'), mig('100', 'hundred'), mig('011', 'eleven')];
    assert.deepEqual(ids(computeStatus(files, [], ENV)), ['9_nine', '10_ten', '011_eleven', '100_hundred']);
  });

  it('returns an empty list with no files and no history', () => {
    assert.deepEqual(computeStatus([], [], ENV), []);
  });
});

describe('resolveMigrationRef', () => {
  const st = computeStatus([mig('001', 'a'), mig('003', 'add_x'), mig('010', 'b')], [], ENV);
  for (const ref of ['3', '003', '0003', '003_add_x', 'add_x', '003_add_x.sql', ' 3 ']) {
    it(`finds 003_add_x by ${JSON.stringify(ref)}`, () => {
      assert.equal(resolveMigrationRef(st, ref).version, '003');
    });
  }
  it('unknown refs are E_UNKNOWN_VERSION naming the ref', () => {
    const e = expectMigrationError(() => resolveMigrationRef(st, 'nope'), 'E_UNKNOWN_VERSION');
    assert.match(e.message, /"nope"/);
    expectMigrationError(() => resolveMigrationRef(st, '2'), 'E_UNKNOWN_VERSION');
  });
  it('an ambiguous name is E_UNKNOWN_VERSION listing the matches', () => {
    const dup = computeStatus([mig('001', 'same'), mig('002', 'same')], [], ENV);
    const e = expectMigrationError(() => resolveMigrationRef(dup, 'same'), 'E_UNKNOWN_VERSION');
    assert.match(e.message, /001_same/);
    assert.match(e.message, /002_same/);
  });
});

describe('planUp', () => {
  const m1 = mig('001', 'one');
  const m2 = mig('002', 'two');
  const m3 = mig('003', 'three');
  const m4 = mig('004', 'four');
  const m10 = mig('010', 'ten');

  it('plans every pending migration in version order', () => {
    const st = computeStatus([m10, m3, m1, m4, m2], [], ENV);
    assert.deepEqual(upIds(planUp(st)), ['001_one', '002_two', '003_three', '004_four', '010_ten']);
  });

  it('leaves out applied and skipped migrations', () => {
    const skip = mig('003', 'three', { environments: ['test'] });
    const st = computeStatus([m1, m2, skip, m4], [row(m1)], ENV);
    assert.deepEqual(upIds(planUp(st)), ['002_two', '004_four']);
  });

  it('plans nothing when everything is applied', () => {
    const st = computeStatus([m1, m2], [row(m1), row(m2)], ENV);
    assert.deepEqual(planUp(st), []);
  });

  for (const to of ['3', '003', '003_three', 'three', '003_three.sql']) {
    it(`--to ${to} stops at (and includes) 003_three`, () => {
      const st = computeStatus([m1, m2, m3, m4, m10], [row(m1)], ENV);
      assert.deepEqual(upIds(planUp(st, { to })), ['002_two', '003_three']);
    });
  }

  it('--to an unknown migration is E_UNKNOWN_VERSION', () => {
    const st = computeStatus([m1, m2], [], ENV);
    expectMigrationError(() => planUp(st, { to: '7' }), 'E_UNKNOWN_VERSION');
  });

  it('--to a migration whose file is missing is E_UNKNOWN_VERSION', () => {
    const st = computeStatus([m1, m3], [row(m1), row({ version: '002', name: 'gone' })], ENV);
    const e = expectMigrationError(() => planUp(st, { to: '2', allowOutOfOrder: true }), 'E_UNKNOWN_VERSION');
    assert.match(e.message, /002_gone has no file/);
  });

  it('--steps limits the number of migrations, oldest first', () => {
    const st = computeStatus([m1, m2, m3, m4], [], ENV);
    assert.deepEqual(upIds(planUp(st, { steps: 2 })), ['001_one', '002_two']);
    assert.deepEqual(planUp(st, { steps: 0 }), []);
    assert.equal(planUp(st, { steps: 99 }).length, 4);
  });

  it('--steps and --to combine', () => {
    const st = computeStatus([m1, m2, m3, m4], [], ENV);
    assert.deepEqual(upIds(planUp(st, { to: '4', steps: 3 })), ['001_one', '002_two', '003_three']);
    assert.deepEqual(upIds(planUp(st, { to: '2', steps: 3 })), ['001_one', '002_two']);
  });

  it('refuses to run when an applied migration was modified (E_DRIFT), naming it and both checksums', () => {
    const st = computeStatus([m1, m2], [row(m1, { checksum: 'abcdef0123456789'.repeat(4) })], ENV);
    const e = expectMigrationError(() => planUp(st), 'E_DRIFT');
    assert.match(e.message, /001_one was changed after it was applied/);
    assert.match(e.message, /abcdef012345/);
    assert.ok(e.message.includes(m1.checksum.slice(0, 12)));
    assert.equal(e.location.file, m1.file);
    assert.equal(e.location.line, m1.upLine);
    assert.equal(e.exitCode, 4);
  });

  it('with allowDrift plans the pending migrations despite a modified one', () => {
    const st = computeStatus([m1, m2], [row(m1, { checksum: '0'.repeat(64) })], ENV);
    assert.deepEqual(upIds(planUp(st, { allowDrift: true })), ['002_two']);
  });

  it('refuses an out-of-order pending migration (E_OUT_OF_ORDER) naming it and the newest applied', () => {
    const st = computeStatus([m1, m2, m3], [row(m1), row(m3)], ENV);
    const e = expectMigrationError(() => planUp(st), 'E_OUT_OF_ORDER');
    assert.match(e.message, /002_two is pending but older than 003/);
    assert.equal(e.location.file, m2.file);
  });

  it('with allowOutOfOrder applies the out-of-order migration', () => {
    const st = computeStatus([m1, m2, m3, m4], [row(m1), row(m3)], ENV);
    assert.deepEqual(upIds(planUp(st, { allowOutOfOrder: true })), ['002_two', '004_four']);
  });

  it('does not complain about out-of-order migrations that are not part of the plan', () => {
    const skip = mig('002', 'two', { environments: ['production'] });
    const st = computeStatus([m1, skip, m3, m4], [row(m1), row(m3)], ENV);
    assert.deepEqual(upIds(planUp(st)), ['004_four']);
  });

  it('refuses to run while a migration is dirty (E_DIRTY), naming it', () => {
    const st = computeStatus([m1, m2], [row(m1, { status: 'running' })], ENV);
    const e = expectMigrationError(() => planUp(st), 'E_DIRTY');
    assert.match(e.message, /001_one is dirty/);
    assert.match(e.hint, /--mark-applied 001" or "database-migration --mark-rolled-back 001"/);
  });

  it('E_DIRTY wins even with allowDrift and allowOutOfOrder', () => {
    const st = computeStatus([m1, m2], [row({ version: '005', name: 'x' }, { status: 'running' })], ENV);
    expectMigrationError(() => planUp(st, { allowDrift: true, allowOutOfOrder: true }), 'E_DIRTY');
  });

  it('accepts dependencies on applied or earlier planned migrations', () => {
    const d3 = mig('003', 'three', { depends: ['001_one', '2'] });
    const d4 = mig('004', 'four', { depends: ['three'] });
    const st = computeStatus([m1, m2, d3, d4], [row(m1)], ENV);
    assert.deepEqual(upIds(planUp(st)), ['002_two', '003_three', '004_four']);
  });

  it('a dependency on an unknown migration is an error naming both ends of the edge', () => {
    const d2 = mig('002', 'two', { depends: ['099_nothing'] });
    const st = computeStatus([m1, d2], [], ENV);
    const e = expectMigrationError(() => planUp(st), 'E_UNKNOWN_VERSION');
    assert.match(e.message, /002_two depends on "099_nothing", which is not a known migration/);
    assert.equal(e.location.file, d2.file);
  });

  it('a dependency on a pending migration left out by --to is an error naming the edge', () => {
    const d2 = mig('002', 'two', { depends: ['004_four'] });
    const st = computeStatus([m1, d2, m3, m4], [], ENV);
    const e = expectMigrationError(() => planUp(st, { to: '3' }), 'E_DEPENDENCY');
    assert.match(e.message, /002_two depends on 004_four, which is pending and not applied before it/);
  });

  it('a dependency on a later migration in the same run is an error (dependencies must come first)', () => {
    const d2 = mig('002', 'two', { depends: ['3'] });
    const st = computeStatus([m1, d2, m3], [], ENV);
    const e = expectMigrationError(() => planUp(st), 'E_DEPENDENCY');
    assert.match(e.message, /002_two depends on 003_three/);
  });

  it('a dependency left out by --steps is an error', () => {
    const d3 = mig('003', 'three', { depends: ['2'] });
    const st = computeStatus([m1, m2, d3], [row(m1)], ENV);
    assert.deepEqual(upIds(planUp(st, { steps: 2 })), ['002_two', '003_three']);
    const d2 = mig('002', 'two', { depends: ['004_four'] });
    const st2 = computeStatus([m1, d2, m3, m4], [], ENV);
    expectMigrationError(() => planUp(st2, { steps: 2 }), 'E_DEPENDENCY');
  });

  it('a dependency on a skipped migration says it does not run in this environment', () => {
    const s2 = mig('002', 'two', { environments: ['test'] });
    const d3 = mig('003', 'three', { depends: ['002_two'] });
    const st = computeStatus([m1, s2, d3], [], ENV);
    const e = expectMigrationError(() => planUp(st), 'E_DEPENDENCY');
    assert.match(e.message, /003_three depends on 002_two, which is skipped/);
    assert.match(e.hint, /does not run in this environment/);
  });

  it('accepts a dependency written as a file name with .sql', () => {
    const d2 = mig('002', 'two', { depends: ['001_one.sql'] });
    const st = computeStatus([m1, d2], [], ENV);
    assert.deepEqual(upIds(planUp(st)), ['001_one', '002_two']);
  });

  it('a dependency on a missing (applied, file deleted) migration is satisfied', () => {
    const d3 = mig('003', 'three', { depends: ['002_gone'] });
    const st = computeStatus([m1, d3], [row(m1), row({ version: '002', name: 'gone' })], ENV);
    assert.deepEqual(upIds(planUp(st, { allowDrift: true })), ['003_three']);
  });
});

describe('planDown', () => {
  const m1 = mig('001', 'one');
  const m2 = mig('002', 'two');
  const m3 = mig('003', 'three');
  const m4 = mig('004', 'four');
  const all = [m1, m2, m3, m4];
  const allApplied = () => computeStatus(all, all.map((m) => row(m)), ENV);
  const downIds = (steps: { version: string; name: string }[]) => ids(steps);

  it('rolls back the last applied migration by default, using the file down section', () => {
    const steps = planDown(allApplied());
    assert.equal(steps.length, 1);
    assert.deepEqual(downIds(steps), ['004_four']);
    assert.equal(steps[0]!.downSql, m4.down);
    assert.equal(steps[0]!.source, 'file');
    assert.equal(steps[0]!.file, m4);
    assert.equal(steps[0]!.transactional, true);
  });

  it('the last applied is by version, not by history order, and ignores pending migrations', () => {
    const st = computeStatus(all, [row(m3), row(m1), row(m2)], ENV);
    assert.deepEqual(downIds(planDown(st)), ['003_three']);
  });

  it('plans nothing when nothing is applied', () => {
    assert.deepEqual(planDown(computeStatus(all, [], ENV)), []);
  });

  it('--steps rolls back that many, newest first', () => {
    assert.deepEqual(downIds(planDown(allApplied(), { steps: 3 })), ['004_four', '003_three', '002_two']);
    assert.deepEqual(downIds(planDown(allApplied(), { steps: 10 })), ['004_four', '003_three', '002_two', '001_one']);
  });

  it('--to rolls back everything newer than the given migration (exclusive)', () => {
    assert.deepEqual(downIds(planDown(allApplied(), { to: '2' })), ['004_four', '003_three']);
    assert.deepEqual(downIds(planDown(allApplied(), { to: '002_two' })), ['004_four', '003_three']);
    assert.deepEqual(downIds(planDown(allApplied(), { to: 'four' })), []);
  });

  for (const to of ['0', '000']) {
    it(`--to ${to} rolls back everything`, () => {
      assert.deepEqual(downIds(planDown(allApplied(), { to })), ['004_four', '003_three', '002_two', '001_one']);
    });
  }

  it('--to or --target an unknown migration is E_UNKNOWN_VERSION', () => {
    expectMigrationError(() => planDown(allApplied(), { to: '99' }), 'E_UNKNOWN_VERSION');
    expectMigrationError(() => planDown(allApplied(), { target: 'nope' }), 'E_UNKNOWN_VERSION');
  });

  it('--target rolls back down to and including the given migration', () => {
    assert.deepEqual(downIds(planDown(allApplied(), { target: '3' })), ['004_four', '003_three']);
    assert.deepEqual(downIds(planDown(allApplied(), { target: 'one' })), ['004_four', '003_three', '002_two', '001_one']);
  });

  it('--target a migration that is not applied is E_UNKNOWN_VERSION', () => {
    const st = computeStatus(all, [row(m1)], ENV);
    const e = expectMigrationError(() => planDown(st, { target: '3' }), 'E_UNKNOWN_VERSION');
    assert.match(e.message, /003_three is not applied/);
  });

  it('refuses an irreversible migration (no down marker) with E_IRREVERSIBLE naming it', () => {
    const irr = mig('002', 'two', { down: null });
    const st = computeStatus([m1, irr, m3], [row(m1), row(irr), row(m3)], ENV);
    const e = expectMigrationError(() => planDown(st, { steps: 2 }), 'E_IRREVERSIBLE');
    assert.match(e.message, /002_two is irreversible/);
    assert.match(e.message, /no "-- Down migration" section/);
    assert.equal(e.location.file, irr.file);
    // rolling back only the newer one is fine
    assert.deepEqual(downIds(planDown(st)), ['003_three']);
  });

  it('refuses a migration whose down section is empty (E_IRREVERSIBLE)', () => {
    const irr = mig('002', 'two', { down: '-- nothing' });
    const st = computeStatus([m1, irr], [row(m1), row(irr)], ENV);
    const e = expectMigrationError(() => planDown(st), 'E_IRREVERSIBLE');
    assert.match(e.message, /002_two is irreversible: it has an empty "-- Down migration" section/);
  });

  it('refuses a missing migration with no stored down SQL (E_IRREVERSIBLE)', () => {
    const st = computeStatus([m1], [row(m1), row({ version: '002', name: 'gone' }, { downSql: null })], ENV);
    const e = expectMigrationError(() => planDown(st), 'E_IRREVERSIBLE');
    assert.match(e.message, /002_gone is irreversible: it has no stored down SQL/);
  });

  it('uses the down SQL stored in history when the file is missing', () => {
    const st = computeStatus([m1], [row(m1), row({ version: '002', name: 'gone' }, { downSql: 'DROP TABLE gone;', transactional: false })], ENV);
    const steps = planDown(st);
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.name, 'gone');
    assert.equal(steps[0]!.downSql, 'DROP TABLE gone;');
    assert.equal(steps[0]!.source, 'history');
    assert.equal(steps[0]!.file, null);
    assert.equal(steps[0]!.transactional, false);
  });

  it('uses the down SQL stored in history when the file was modified', () => {
    const st = computeStatus([m1, m2], [row(m1), row(m2, { checksum: '1'.repeat(64), downSql: 'DROP TABLE old_t2;' })], ENV);
    assert.equal(byVersion(st, '2').state, 'modified');
    const steps = planDown(st);
    assert.equal(steps[0]!.downSql, 'DROP TABLE old_t2;');
    assert.equal(steps[0]!.source, 'history');
    assert.equal(steps[0]!.file, m2);
  });

  it('takes transactional from the file when there is one', () => {
    const nt = mig('002', 'two', { transaction: 'none' });
    const st = computeStatus([m1, nt], [row(m1), row(nt, { transactional: true })], ENV);
    assert.equal(planDown(st)[0]!.transactional, false);
  });

  it('refuses to roll back while a migration is dirty (E_DIRTY)', () => {
    const st = computeStatus([m1, m2], [row(m1), row(m2, { status: 'running' })], ENV);
    expectMigrationError(() => planDown(st), 'E_DIRTY');
  });

  it('refuses to roll back a dependency of a migration that stays applied, naming the edge', () => {
    // Roll-backs take the newest versions, so the migration that stays applied is older than its
    // dependency: 001 was applied out of order after 005 and depends on it.
    const d1 = mig('001', 'one', { depends: ['005_five'] });
    const m5 = mig('005', 'five');
    const st = computeStatus([d1, m5], [row(d1), row(m5)], ENV);
    const e = expectMigrationError(() => planDown(st), 'E_DEPENDENCY');
    assert.match(e.message, /001_one depends on 005_five and stays applied/);
    assert.equal(e.location.file, d1.file);
    // rolling back both together is allowed
    assert.deepEqual(downIds(planDown(st, { to: '0' })), ['005_five', '001_one']);
  });

  for (const ref of ['5', '005', 'five']) {
    it(`the dependency check also recognises "-- depends: ${ref}"`, () => {
      const d1 = mig('001', 'one', { depends: [ref] });
      const m5 = mig('005', 'five');
      const st = computeStatus([d1, m5], [row(d1), row(m5)], ENV);
      const e = expectMigrationError(() => planDown(st), 'E_DEPENDENCY');
      assert.match(e.message, /001_one depends on 005_five/);
    });
  }

  it('the dependency check recognises "-- depends: 005_five.sql" as planUp does', () => {
    const d1 = mig('001', 'one', { depends: ['005_five.sql'] });
    const m5 = mig('005', 'five');
    const st = computeStatus([d1, m5], [row(d1), row(m5)], ENV);
    const e = expectMigrationError(() => planDown(st), 'E_DEPENDENCY');
    assert.match(e.message, /001_one depends on 005_five/);
  });

  it('does not complain when the dependent migration is rolled back too', () => {
    const d4 = mig('004', 'four', { depends: ['003_three'] });
    const st = computeStatus([m1, m2, m3, d4], [row(m1), row(m2), row(m3), row(d4)], ENV);
    assert.deepEqual(downIds(planDown(st, { steps: 2 })), ['004_four', '003_three']);
  });
});

describe('planner properties (fast-check)', () => {
  const LINE_ENDINGS = ['\n', '\r\n', '\r'];
  const LINES = [
    '-- Up migration', '-- up MIGRATION', '-- Down migration', '--down migration',
    '-- depends: 1', '-- depends: 002_b, a', '-- depends: nope', '-- depends:', '-- depends: 003_c.sql',
    '-- transaction: none', '-- transaction: maybe', '-- environments: development', '-- environments: test',
    '-- environments:', 'SELECT 1;', 'DROP TABLE t;', '', '   ', '/* block', 'comment */', '-- plain comment', '\uFEFF',
  ];
  const lineText = fc.array(fc.oneof(fc.constantFrom(...LINES), fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 12 });
  const structured = fc.tuple(lineText, fc.constantFrom(...LINE_ENDINGS)).map(([ls, eol]) => ls.join(eol));
  const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), structured);
  const fileName = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 30 }), fc.constantFrom('a', 'b', 'c', 'add_x'))
      .map(([v, n]) => `${String(v).padStart(3, '0')}_${n}.sql`),
    fc.string({ unit: 'binary', maxLength: 10 }),
  );

  function onlyMigrationErrors(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof MigrationError)) throw e;
    }
  }

  it('(a) parseMigrationFile either returns or throws a MigrationError', () => {
    fc.assert(fc.property(anyText, fileName, (text, name) => {
      onlyMigrationErrors(() => {
        const m = parseMigrationFile(text, `migrations/${name}`, name);
        assert.equal(typeof m.up, 'string');
        assert.ok(m.upLine >= 2);
        assert.ok(m.down === null || typeof m.down === 'string');
        assert.match(m.checksum, /^[0-9a-f]{64}$/);
      });
    }), { numRuns: 1000 });
  });

  it('(a) computeStatus, planUp and planDown over whatever parsed throw only MigrationErrors', () => {
    const fileArb = fc.tuple(anyText, fileName);
    const historyArb = fc.array(fc.record({
      version: fc.integer({ min: 0, max: 30 }).map(String),
      name: fc.constantFrom('a', 'b', 'c', 'gone'),
      running: fc.boolean(),
      sameChecksum: fc.boolean(),
      downSql: fc.option(fc.constantFrom('DROP TABLE t;', '', '-- none'), { nil: null }),
    }), { maxLength: 6 });
    const opts = fc.record({
      to: fc.option(fc.constantFrom('0', '1', '002', 'a', '003_c', 'zzz'), { nil: undefined }),
      steps: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      allowDrift: fc.boolean(),
      allowOutOfOrder: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(fileArb, { maxLength: 6 }), historyArb, opts, fc.constantFrom('development', 'test'), (inputs, hist, o, env) => {
      const files: MigrationFile[] = [];
      for (const [text, name] of inputs) {
        try {
          files.push(parseMigrationFile(text, `migrations/${name}`, name));
        } catch (e) {
          if (!(e instanceof MigrationError)) throw e;
        }
      }
      const history: HistoryRow[] = hist.map((h) => {
        const f = files.find((x) => compareVersions(x.version, h.version) === 0);
        return row({ version: h.version, name: h.name, checksum: h.sameChecksum && f ? f.checksum : '0'.repeat(64) },
          { status: h.running ? 'running' : 'applied', downSql: h.downSql });
      });
      let statuses: MigrationStatus[] = [];
      onlyMigrationErrors(() => { statuses = computeStatus(files, history, { environment: env }); });
      onlyMigrationErrors(() => { planUp(statuses, o); });
      onlyMigrationErrors(() => { planDown(statuses, { steps: o.steps }); });
      onlyMigrationErrors(() => { planDown(statuses, { to: o.to }); });
      onlyMigrationErrors(() => { if (o.to !== undefined) planDown(statuses, { target: o.to }); });
    }), { numRuns: 500 });
  });

  /** Reorders xs by sorting on random keys (ties keep index order). */
  function shuffle<T>(xs: T[], keys: number[]): T[] {
    return xs.map((x, i) => ({ x, k: keys[i % keys.length] ?? 0, i })).sort((a, b) => a.k - b.k || a.i - b.i).map((e) => e.x);
  }

  const scenario = fc.record({
    versions: fc.uniqueArray(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 25 }),
    pads: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 25, maxLength: 25 }),
    appliedMask: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
    fileMask: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
    keysA: fc.array(fc.integer(), { minLength: 25, maxLength: 25 }),
    keysB: fc.array(fc.integer(), { minLength: 25, maxLength: 25 }),
    keysC: fc.array(fc.integer(), { minLength: 25, maxLength: 25 }),
    keysD: fc.array(fc.integer(), { minLength: 25, maxLength: 25 }),
  });

  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

  function build(s: Scenario): { files: MigrationFile[]; history: HistoryRow[] } {
    const files: MigrationFile[] = [];
    const history: HistoryRow[] = [];
    s.versions.forEach((v, i) => {
      const version = String(v).padStart(s.pads[i]!, '0');
      const applied = s.appliedMask[i]!;
      const hasFile = s.fileMask[i]! || !applied; // a pending migration always has a file
      const m = mig(version, `m${v}`);
      if (hasFile) files.push(m);
      if (applied) history.push(row(m, { version: String(v) }));
    });
    return { files, history };
  }

  it('(b) status and plans do not depend on the order of the inputs, and are sorted by numeric version', () => {
    fc.assert(fc.property(scenario, (s) => {
      const { files, history } = build(s);
      const st1 = computeStatus(shuffle(files, s.keysA), shuffle(history, s.keysB), ENV);
      const st2 = computeStatus(shuffle(files, s.keysC), shuffle(history, s.keysD), ENV);
      const key = (xs: MigrationStatus[]) => xs.map((x) => `${x.version}:${x.name}:${x.state}:${x.outOfOrder}`);
      assert.deepEqual(key(st1), key(st2));
      assert.equal(st1.length, s.versions.length);
      const sorted = [...s.versions].sort((a, b) => a - b);
      assert.deepEqual(st1.map((x) => Number(x.version)), sorted);

      const up1 = planUp(st1, { allowOutOfOrder: true, allowDrift: true });
      const up2 = planUp(st2, { allowOutOfOrder: true, allowDrift: true });
      assert.deepEqual(upIds(up1), upIds(up2));
      const upVersions = up1.map((u) => Number(u.migration.version));
      assert.deepEqual(upVersions, [...upVersions].sort((a, b) => a - b));
      const pending = s.versions.filter((_, i) => !s.appliedMask[i]).sort((a, b) => a - b);
      assert.deepEqual(upVersions, pending);

      const down1 = planDown(st1, { to: '0' });
      const down2 = planDown(st2, { to: '0' });
      assert.deepEqual(ids(down1), ids(down2));
      const downVersions = down1.map((d) => Number(d.version));
      const applied = s.versions.filter((_, i) => s.appliedMask[i]).sort((a, b) => b - a);
      assert.deepEqual(downVersions, applied);
      assert.deepEqual(planDown(st1, { steps: 3 }).map((d) => Number(d.version)), applied.slice(0, 3));
    }), { numRuns: 300 });
  });
});
