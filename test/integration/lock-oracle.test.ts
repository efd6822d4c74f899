/**
 * The lock rules checked against the locks PostgreSQL really takes. Each case commits some tables (with rows), then
 * runs one statement through the dry run (a transaction that is rolled back) and reads the locks it took with the dry
 * run's own lock report. What require-lock-timeout's lock model (statementLocks) says about the same statement must
 * agree: the same relations, in the same mode, and so the rule fires exactly when the statement takes a lock that
 * blocks writes or reads (SHARE or stronger) on a relation that existed before it.
 */
import assert from 'node:assert/strict';
import { dryRun } from '../../src/core/rehearsal';
import type { Session } from '../../src/core/db/database';
import { loadParser } from '../../src/sql/parser';
import { parseScriptSync } from '../../src/sql/parse';
import { lintText } from '../../src/lint/linter';
import { newTables } from '../../src/lint/rules/shared/new-tables';
import { statementLocks } from '../../src/lint/rules/shared/table-locks';
import { BACKENDS, makeProject, type TestProject } from './harness';

interface LockCase {
  name: string;
  /** Committed before the statement runs, on top of BASE. */
  setup?: string;
  sql: string;
  /** Why the statement cannot be tried in a rolled-back transaction. */
  skip?: string;
  /** Cases where the rule deliberately differs from the server: both sides are pinned, with the reason. */
  known?: { reason: string; server: Record<string, string>; rule: Record<string, string> };
  /** A relation the statement renames: the lock report names it by its new name (new -> old). */
  renames?: Record<string, string>;
}

const BASE = `
CREATE TABLE missions (id bigint PRIMARY KEY, name text NOT NULL, status text);
INSERT INTO missions VALUES (1, 'Apollo 11', 'completed'), (2, 'Artemis II', 'planned');
CREATE TABLE rockets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, mission_id bigint, name text);
INSERT INTO rockets (mission_id, name) VALUES (1, 'Saturn V');
CREATE INDEX rockets_name_idx ON rockets (name);
CREATE VIEW active_missions AS SELECT id, name FROM missions WHERE status = 'active';
CREATE MATERIALIZED VIEW mission_counts AS SELECT status, count(*) AS n FROM missions GROUP BY status;
CREATE UNIQUE INDEX mission_counts_status ON mission_counts (status);
CREATE SEQUENCE launch_numbers;
CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER missions_touch BEFORE UPDATE ON missions FOR EACH ROW EXECUTE FUNCTION touch_row();
CREATE TABLE api_log (at timestamptz NOT NULL, path text) PARTITION BY RANGE (at);
CREATE TABLE api_log_2025 PARTITION OF api_log FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE api_log_2026 (at timestamptz NOT NULL, path text);
INSERT INTO api_log_2026 VALUES ('2026-03-01', '/apod');
CREATE TYPE mission_status AS ENUM ('planned', 'active');
CREATE SCHEMA archive;
ALTER TABLE missions ENABLE ROW LEVEL SECURITY;
CREATE POLICY missions_read ON missions FOR SELECT USING (true);
`;
const FK = 'ALTER TABLE rockets ADD CONSTRAINT rockets_mission_fk FOREIGN KEY (mission_id) REFERENCES missions (id) NOT VALID;';
const NOT_IN_TX = 'cannot run inside a transaction block, so the dry run cannot try it';

const CASES: LockCase[] = [
  // CREATE TABLE
  { name: 'CREATE TABLE with an inline REFERENCES to an existing table', sql: 'CREATE TABLE crew (id bigint PRIMARY KEY, mission_id bigint REFERENCES missions (id))' },
  { name: 'CREATE TABLE with a table FOREIGN KEY constraint to an existing table', sql: 'CREATE TABLE crew (id bigint, mission_id bigint, CONSTRAINT crew_mission_fk FOREIGN KEY (mission_id) REFERENCES missions)' },
  { name: 'CREATE TABLE referencing itself', sql: 'CREATE TABLE parts (id bigint PRIMARY KEY, parent_id bigint REFERENCES parts (id))' },
  { name: 'CREATE TABLE (LIKE existing)', sql: 'CREATE TABLE missions_copy (LIKE missions INCLUDING ALL)' },
  { name: 'CREATE TABLE ... PARTITION OF an existing table', sql: "CREATE TABLE api_log_2027 PARTITION OF api_log FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')" },
  { name: 'CREATE TABLE ... INHERITS an existing table', sql: 'CREATE TABLE lunar_missions (crater text) INHERITS (missions)' },
  { name: 'CREATE TABLE AS over an existing table', sql: 'CREATE TABLE mission_names AS SELECT name FROM missions' },
  // views
  { name: 'CREATE VIEW over an existing table', sql: 'CREATE VIEW mission_names AS SELECT name FROM missions' },
  { name: 'CREATE OR REPLACE VIEW of an existing view', sql: "CREATE OR REPLACE VIEW active_missions AS SELECT id, name FROM missions WHERE status IN ('active')" },
  {
    name: 'CREATE OR REPLACE VIEW of a new view', sql: 'CREATE OR REPLACE VIEW mission_names AS SELECT name FROM missions',
    known: { reason: 'the linter cannot see whether the view exists; replacing one locks it, and a SET costs nothing', server: {}, rule: { mission_names: 'AccessExclusiveLock' } },
  },
  { name: 'CREATE MATERIALIZED VIEW over an existing table', sql: 'CREATE MATERIALIZED VIEW mission_statuses AS SELECT DISTINCT status FROM missions' },
  // ALTER TABLE
  { name: 'ALTER TABLE ADD COLUMN', sql: 'ALTER TABLE missions ADD COLUMN launched_at timestamptz' },
  { name: 'ALTER TABLE ADD COLUMN with a constant default', sql: "ALTER TABLE missions ADD COLUMN crew_size int NOT NULL DEFAULT 0" },
  { name: 'ALTER TABLE ADD COLUMN ... REFERENCES', sql: 'ALTER TABLE rockets ADD COLUMN backup_mission_id bigint REFERENCES missions (id)' },
  { name: 'ALTER TABLE ALTER COLUMN SET DEFAULT', sql: "ALTER TABLE missions ALTER COLUMN status SET DEFAULT 'planned'" },
  { name: 'ALTER TABLE ALTER COLUMN TYPE', sql: 'ALTER TABLE rockets ALTER COLUMN name TYPE varchar(80)' },
  { name: 'ALTER TABLE ALTER COLUMN SET NOT NULL', sql: 'ALTER TABLE missions ALTER COLUMN status SET NOT NULL' },
  { name: 'ALTER TABLE ADD FOREIGN KEY', sql: 'ALTER TABLE rockets ADD CONSTRAINT rockets_mission_fk FOREIGN KEY (mission_id) REFERENCES missions (id)' },
  { name: 'ALTER TABLE ADD FOREIGN KEY ... NOT VALID', sql: FK },
  { name: 'ALTER TABLE ADD CHECK ... NOT VALID', sql: "ALTER TABLE missions ADD CONSTRAINT missions_status_check CHECK (status <> '') NOT VALID" },
  { name: 'ALTER TABLE ADD CHECK', sql: "ALTER TABLE missions ADD CONSTRAINT missions_status_check CHECK (status <> '')" },
  { name: 'ALTER TABLE ADD COLUMN serial', sql: 'ALTER TABLE missions ADD COLUMN seq serial' },
  { name: 'ALTER TABLE ADD COLUMN with a volatile default', sql: 'ALTER TABLE missions ADD COLUMN created_at timestamptz DEFAULT clock_timestamp()' },
  { name: 'ALTER TABLE ADD UNIQUE', sql: 'ALTER TABLE missions ADD CONSTRAINT missions_name_key UNIQUE (name)' },
  { name: 'ALTER TABLE VALIDATE CONSTRAINT (foreign key)', setup: FK, sql: 'ALTER TABLE rockets VALIDATE CONSTRAINT rockets_mission_fk' },
  { name: 'ALTER TABLE VALIDATE CONSTRAINT (check)', setup: "ALTER TABLE missions ADD CONSTRAINT missions_status_check CHECK (status <> '') NOT VALID;", sql: 'ALTER TABLE missions VALIDATE CONSTRAINT missions_status_check' },
  {
    name: 'ALTER TABLE DROP CONSTRAINT (foreign key)', setup: FK, sql: 'ALTER TABLE rockets DROP CONSTRAINT rockets_mission_fk',
    known: { reason: 'the linter cannot tell a foreign key from other constraints by its name; the rule fires on the table either way', server: { rockets: 'AccessExclusiveLock', missions: 'AccessExclusiveLock' }, rule: { rockets: 'AccessExclusiveLock' } },
  },
  { name: 'ALTER TABLE DROP COLUMN', sql: 'ALTER TABLE rockets DROP COLUMN name' },
  { name: 'ALTER TABLE ATTACH PARTITION', sql: "ALTER TABLE api_log ATTACH PARTITION api_log_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" },
  { name: 'ALTER TABLE ATTACH PARTITION ... DEFAULT', sql: 'ALTER TABLE api_log ATTACH PARTITION api_log_2026 DEFAULT' },
  { name: 'ALTER TABLE DETACH PARTITION', sql: 'ALTER TABLE api_log DETACH PARTITION api_log_2025' },
  { name: 'ALTER TABLE DETACH PARTITION CONCURRENTLY', sql: 'ALTER TABLE api_log DETACH PARTITION api_log_2025 CONCURRENTLY', skip: NOT_IN_TX },
  { name: 'ALTER TABLE ENABLE TRIGGER', sql: 'ALTER TABLE missions ENABLE TRIGGER missions_touch' },
  { name: 'ALTER TABLE DISABLE TRIGGER ALL', sql: 'ALTER TABLE missions DISABLE TRIGGER ALL' },
  { name: 'ALTER TABLE ALTER COLUMN SET STATISTICS', sql: 'ALTER TABLE missions ALTER COLUMN name SET STATISTICS 500' },
  { name: 'ALTER TABLE ALTER COLUMN SET (n_distinct)', sql: 'ALTER TABLE missions ALTER COLUMN name SET (n_distinct = -1)' },
  { name: 'ALTER TABLE ALTER COLUMN SET STORAGE', sql: 'ALTER TABLE missions ALTER COLUMN name SET STORAGE EXTERNAL' },
  { name: 'ALTER TABLE SET (fillfactor)', sql: 'ALTER TABLE missions SET (fillfactor = 70)' },
  { name: 'ALTER TABLE SET (autovacuum_enabled)', sql: 'ALTER TABLE missions SET (autovacuum_enabled = false)' },
  { name: 'ALTER TABLE RESET (fillfactor)', sql: 'ALTER TABLE missions RESET (fillfactor)' },
  { name: 'ALTER TABLE CLUSTER ON', sql: 'ALTER TABLE missions CLUSTER ON missions_pkey' },
  { name: 'ALTER TABLE REPLICA IDENTITY FULL', sql: 'ALTER TABLE missions REPLICA IDENTITY FULL' },
  { name: 'ALTER TABLE ENABLE ROW LEVEL SECURITY', sql: 'ALTER TABLE rockets ENABLE ROW LEVEL SECURITY' },
  { name: 'ALTER TABLE OWNER TO', sql: 'ALTER TABLE missions OWNER TO CURRENT_USER' },
  { name: 'ALTER TABLE SET SCHEMA', sql: 'ALTER TABLE rockets SET SCHEMA archive' },
  { name: 'ALTER TABLE NO INHERIT', setup: 'CREATE TABLE lunar_missions (crater text) INHERITS (missions);', sql: 'ALTER TABLE lunar_missions NO INHERIT missions' },
  { name: 'ALTER TABLE INHERIT', setup: 'CREATE TABLE lunar_missions (id bigint PRIMARY KEY, name text NOT NULL, status text);', sql: 'ALTER TABLE lunar_missions INHERIT missions' },
  { name: 'ALTER VIEW ALTER COLUMN SET DEFAULT', sql: "ALTER VIEW active_missions ALTER COLUMN name SET DEFAULT 'unnamed'" },
  { name: 'ALTER MATERIALIZED VIEW SET (fillfactor)', sql: 'ALTER MATERIALIZED VIEW mission_counts SET (fillfactor = 90)' },
  // renames
  { name: 'ALTER TABLE RENAME TO', sql: 'ALTER TABLE missions RENAME TO space_missions', renames: { space_missions: 'missions' } },
  { name: 'ALTER TABLE RENAME COLUMN', sql: 'ALTER TABLE missions RENAME COLUMN status TO state' },
  { name: 'ALTER TABLE RENAME CONSTRAINT', sql: 'ALTER TABLE missions RENAME CONSTRAINT missions_pkey TO missions_pk' },
  { name: 'ALTER INDEX RENAME', sql: 'ALTER INDEX rockets_name_idx RENAME TO rockets_by_name', renames: { rockets_by_name: 'rockets_name_idx' } },
  { name: 'ALTER SEQUENCE RENAME', sql: 'ALTER SEQUENCE launch_numbers RENAME TO launch_serials', renames: { launch_serials: 'launch_numbers' } },
  { name: 'ALTER MATERIALIZED VIEW RENAME', sql: 'ALTER MATERIALIZED VIEW mission_counts RENAME TO mission_totals', renames: { mission_totals: 'mission_counts' } },
  { name: 'ALTER VIEW RENAME', sql: 'ALTER VIEW active_missions RENAME TO current_missions', renames: { current_missions: 'active_missions' } },
  { name: 'ALTER TRIGGER RENAME', sql: 'ALTER TRIGGER missions_touch ON missions RENAME TO missions_touched' },
  // indexes
  { name: 'CREATE INDEX', sql: 'CREATE INDEX missions_status_idx ON missions (status)' },
  { name: 'CREATE UNIQUE INDEX', sql: 'CREATE UNIQUE INDEX missions_name_idx ON missions (name)' },
  { name: 'CREATE INDEX CONCURRENTLY', sql: 'CREATE INDEX CONCURRENTLY missions_status_idx ON missions (status)', skip: NOT_IN_TX },
  { name: 'DROP INDEX', sql: 'DROP INDEX rockets_name_idx' },
  { name: 'DROP INDEX CONCURRENTLY', sql: 'DROP INDEX CONCURRENTLY rockets_name_idx', skip: NOT_IN_TX },
  { name: 'REINDEX TABLE', sql: 'REINDEX TABLE rockets' },
  { name: 'REINDEX INDEX', sql: 'REINDEX INDEX rockets_name_idx' },
  { name: 'CLUSTER ... USING', sql: 'CLUSTER missions USING missions_pkey' },
  // triggers, rules, policies
  { name: 'CREATE TRIGGER', sql: 'CREATE TRIGGER rockets_touch BEFORE UPDATE ON rockets FOR EACH ROW EXECUTE FUNCTION touch_row()' },
  { name: 'CREATE OR REPLACE TRIGGER of an existing trigger', sql: 'CREATE OR REPLACE TRIGGER missions_touch BEFORE INSERT ON missions FOR EACH ROW EXECUTE FUNCTION touch_row()' },
  {
    name: 'DROP TRIGGER IF EXISTS of a missing trigger', sql: 'DROP TRIGGER IF EXISTS missions_audit ON missions',
    known: { reason: 'with no such trigger the server locks nothing; the linter cannot see whether it exists (when it does, the table is locked fully)', server: {}, rule: { missions: 'AccessExclusiveLock' } },
  },
  { name: 'DROP TRIGGER', sql: 'DROP TRIGGER missions_touch ON missions' },
  { name: 'CREATE RULE', sql: 'CREATE RULE rockets_notify AS ON INSERT TO rockets DO ALSO NOTIFY rockets' },
  { name: 'CREATE POLICY', sql: 'CREATE POLICY missions_write ON missions FOR INSERT WITH CHECK (true)' },
  { name: 'ALTER POLICY', sql: 'ALTER POLICY missions_read ON missions USING (status IS NOT NULL)' },
  { name: 'DROP POLICY', sql: 'DROP POLICY missions_read ON missions' },
  // drops, truncate, refresh
  { name: 'DROP TABLE', sql: 'DROP TABLE rockets' },
  {
    name: 'DROP TABLE that has a foreign key', setup: FK, sql: 'DROP TABLE rockets',
    known: { reason: "dropping a table also drops its foreign keys' triggers on the referenced table; the linter cannot see the foreign keys, and the rule fires on the dropped table either way", server: { rockets: 'AccessExclusiveLock', missions: 'AccessExclusiveLock' }, rule: { rockets: 'AccessExclusiveLock' } },
  },
  { name: 'DROP VIEW', sql: 'DROP VIEW active_missions' },
  { name: 'DROP MATERIALIZED VIEW', sql: 'DROP MATERIALIZED VIEW mission_counts' },
  { name: 'DROP SEQUENCE', sql: 'DROP SEQUENCE launch_numbers' },
  { name: 'ALTER SEQUENCE', sql: 'ALTER SEQUENCE launch_numbers RESTART WITH 100' },
  { name: 'TRUNCATE', sql: 'TRUNCATE rockets' },
  { name: 'TRUNCATE two tables', sql: 'TRUNCATE rockets, missions' },
  { name: 'REFRESH MATERIALIZED VIEW', sql: 'REFRESH MATERIALIZED VIEW mission_counts' },
  {
    name: 'REFRESH MATERIALIZED VIEW CONCURRENTLY', sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY mission_counts',
    known: { reason: 'its EXCLUSIVE lock lets reads through, and nothing writes to a materialized view: waiting for it holds up no query', server: { mission_counts: 'ExclusiveLock' }, rule: {} },
  },
  // statements that only take weak locks
  { name: 'COMMENT ON TABLE', sql: "COMMENT ON TABLE missions IS 'NASA missions'" },
  { name: 'COMMENT ON COLUMN', sql: "COMMENT ON COLUMN missions.status IS 'planned, active or completed'" },
  { name: 'GRANT', sql: 'GRANT SELECT ON missions TO PUBLIC' },
  { name: 'ALTER TYPE ADD VALUE', sql: "ALTER TYPE mission_status ADD VALUE 'completed'" },
  { name: 'CREATE STATISTICS', sql: 'CREATE STATISTICS missions_stats (dependencies) ON name, status FROM missions' },
  { name: 'INSERT', sql: "INSERT INTO missions VALUES (3, 'Voyager 1', 'active')" },
  { name: 'UPDATE', sql: "UPDATE missions SET status = 'active'" },
  { name: 'VACUUM', sql: 'VACUUM missions', skip: NOT_IN_TX },
  { name: 'VACUUM FULL', sql: 'VACUUM FULL missions', skip: NOT_IN_TX },
  // LOCK TABLE
  { name: 'LOCK TABLE IN ACCESS EXCLUSIVE MODE', sql: 'LOCK TABLE missions IN ACCESS EXCLUSIVE MODE' },
  { name: 'LOCK TABLE IN SHARE MODE', sql: 'LOCK TABLE missions IN SHARE MODE' },
  { name: 'LOCK TABLE IN ROW EXCLUSIVE MODE', sql: 'LOCK TABLE missions IN ROW EXCLUSIVE MODE' },
  {
    name: 'LOCK TABLE ... NOWAIT', sql: 'LOCK TABLE missions IN ACCESS EXCLUSIVE MODE NOWAIT',
    known: { reason: 'NOWAIT fails at once instead of waiting, so nothing queues behind it', server: { missions: 'AccessExclusiveLock' }, rule: {} },
  },
];

const STRONG = new Set(['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock']);
const ORDER = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];
const RULE_MODE: Record<string, string> = { SHARE: 'ShareLock', 'SHARE ROW EXCLUSIVE': 'ShareRowExclusiveLock', EXCLUSIVE: 'ExclusiveLock', 'ACCESS EXCLUSIVE': 'AccessExclusiveLock' };

/** Each user relation before the statement -> the table it belongs to (an index's or owned sequence's table, else itself). */
async function relationOwners(s: Session): Promise<Map<string, string>> {
  const r = await s.query<{ name: string; owner: string }>(
    `SELECT c.relname AS name, coalesce(t.relname, o.relname, c.relname) AS owner
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_index i ON i.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = i.indrelid
       LEFT JOIN pg_depend d ON c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class o ON o.oid = d.refobjid
      WHERE n.nspname IN ('public', 'archive') AND c.relkind <> 't'`);
  return new Map(r.rows.map((x) => [x.name, x.owner]));
}

/** Strongest mode per table, for the modes that block writes or reads. */
function strongByTable(locks: { name: string; mode: string }[], owners: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, mode } of locks) {
    const table = owners.get(name);
    if (!table || !STRONG.has(mode)) continue;
    if (!out[table] || ORDER.indexOf(mode) > ORDER.indexOf(out[table]!)) out[table] = mode;
  }
  return out;
}

const unqualified = (name: string) => name.replace(/ \(dropped\)$/, '').replace(/^[^.]+\./, '');

async function serverLocks(s: Session, c: LockCase, owners: Map<string, string>): Promise<Record<string, string>> {
  const [rehearsal] = await dryRun(s, [{ id: c.name, direction: 'up', sql: c.sql, baseLine: 1, transactional: true, file: 'case.sql' }]);
  const name = (object: string) => c.renames?.[unqualified(object)] ?? unqualified(object);
  const locks = rehearsal!.statements![0]!.locks.map((l) => ({ name: name(l.object), mode: l.mode }));
  return strongByTable(locks, owners);
}

async function ruleLocks(c: LockCase, owners: Map<string, string>): Promise<Record<string, string>> {
  const statements = parseScriptSync(await loadParser(), c.sql);
  const locks = statementLocks(statements[0]!, statements, newTables(statements));
  // A relation the rule names that did not exist stays under its own name, so a wrong guess shows.
  const named = new Map(owners);
  for (const l of locks) if (!named.has(unqualified(l.name))) named.set(unqualified(l.name), unqualified(l.name));
  return strongByTable(locks.map((l) => ({ name: unqualified(l.name), mode: RULE_MODE[l.lock]! })), named);
}

/**
 * What the other lock rules say a statement they report does: block writes (a SHARE lock or stronger) or reads and
 * writes (ACCESS EXCLUSIVE), on its table or on both tables of a foreign key.
 */
const CLAIMS: Record<string, { mode: 'ShareLock' | 'ShareRowExclusiveLock' | 'AccessExclusiveLock'; tables: number }> = {
  'adding-foreign-key-constraint': { mode: 'ShareRowExclusiveLock', tables: 2 },
  'require-concurrent-index-creation': { mode: 'ShareLock', tables: 1 },
  'require-concurrent-index-deletion': { mode: 'AccessExclusiveLock', tables: 1 },
  'adding-serial-primary-key-field': { mode: 'AccessExclusiveLock', tables: 1 },
  'disallowed-unique-constraint': { mode: 'AccessExclusiveLock', tables: 1 },
  'adding-not-nullable-field': { mode: 'AccessExclusiveLock', tables: 1 },
  'changing-column-type': { mode: 'AccessExclusiveLock', tables: 1 },
  'adding-field-with-default': { mode: 'AccessExclusiveLock', tables: 1 },
};
/** constraint-missing-not-valid: a CHECK blocks reads and writes of its table, a foreign key writes to both tables. */
function claimOf(ruleId: string, message: string): { mode: string; tables: number } | null {
  if (ruleId === 'constraint-missing-not-valid') return /blocking writes to both tables/.test(message) ? { mode: 'ShareRowExclusiveLock', tables: 2 } : { mode: 'AccessExclusiveLock', tables: 1 };
  return CLAIMS[ruleId] ?? null;
}

/** Each finding of the other lock rules on the statement whose claim the server's locks do not bear out. */
async function unsupportedClaims(c: LockCase, server: Record<string, string>, fired: Set<string>): Promise<string[]> {
  const findings = await lintText(`-- Up migration\n${c.sql};\n`, 'migrations/001_case.sql', { only: [...Object.keys(CLAIMS), 'constraint-missing-not-valid'] });
  const out: string[] = [];
  for (const f of findings) {
    const claim = claimOf(f.ruleId, f.message);
    if (!claim) continue;
    fired.add(f.ruleId);
    const strong = Object.values(server).filter((mode) => ORDER.indexOf(mode) >= ORDER.indexOf(claim.mode)).length;
    if (strong < claim.tables) out.push(`${c.name}: ${f.ruleId} says "${f.message}", but the server took ${JSON.stringify(sorted(server))}`);
  }
  return out;
}

for (const backend of BACKENDS) {
  describe(`lock rules against the dry run's lock report (${backend})`, function () {
    this.timeout(240000);
    let p: TestProject;
    before(async () => { p = await makeProject(backend, {}); });
    after(async () => { await p?.cleanup(); });

    it('each statement takes the locks require-lock-timeout says it takes (known differences pinned with their reason), and the other lock rules\' claims hold', async function () {
      const disagreements: string[] = [];
      const fired = new Set<string>();
      let compared = 0;
      await p.withSession(async (s) => {
        for (const c of CASES) {
          if (c.skip) continue;
          await s.exec('DROP SCHEMA IF EXISTS public CASCADE; DROP SCHEMA IF EXISTS archive CASCADE; CREATE SCHEMA public;');
          await s.exec(BASE + (c.setup ?? ''));
          const owners = await relationOwners(s);
          let server: Record<string, string>;
          try {
            server = await serverLocks(s, c, owners);
          } catch (err) {
            disagreements.push(`${c.name}: ${c.sql}\n    fails: ${(err as Error).message}`);
            continue;
          }
          const rule = await ruleLocks(c, owners);
          compared++;
          disagreements.push(...await unsupportedClaims(c, server, fired));
          const want = c.known ? { server: c.known.server, rule: c.known.rule } : { server, rule: server };
          if (JSON.stringify(sorted(server)) !== JSON.stringify(sorted(want.server)) || JSON.stringify(sorted(rule)) !== JSON.stringify(sorted(want.rule))) {
            disagreements.push(`${c.name}: ${c.sql}\n    server: ${JSON.stringify(sorted(server))}\n    rule:   ${JSON.stringify(sorted(rule))}${c.known ? `\n    (known difference expected server ${JSON.stringify(sorted(c.known.server))}, rule ${JSON.stringify(sorted(c.known.rule))})` : ''}`);
          }
        }
      });
      assert.ok(compared > 60, `compared ${compared} statements`);
      assert.deepEqual(disagreements, [], `\n${disagreements.join('\n')}`);
      // Every other lock rule's claim was put to the test by at least one statement.
      assert.deepEqual([...fired].sort(), [...Object.keys(CLAIMS), 'constraint-missing-not-valid'].sort());
    });
  });
}

function sorted(o: Record<string, string>): [string, string][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
