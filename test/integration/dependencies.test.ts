import assert from 'node:assert/strict';
import { BACKENDS, makeProject, migration, tables, type TestProject } from './harness';

for (const backend of BACKENDS) {
  describe(`dependencies and transaction safety on ${backend}`, function () {
    this.timeout(60000);
    let p: TestProject;
    afterEach(async () => { await p?.cleanup(); });

    it('refuses an up that would run a migration before the one that creates what it uses, naming the edge', async () => {
      p = await makeProject(backend, {
        'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY);', 'DROP TABLE agencies;'),
        'migrations/002_create_missions.sql': migration('CREATE TABLE missions (id bigint PRIMARY KEY, agency_id bigint REFERENCES agencies (id), commander_id bigint REFERENCES crew (id));', 'DROP TABLE missions;'),
        'migrations/003_create_crew.sql': migration('CREATE TABLE crew (id bigint PRIMARY KEY);', 'DROP TABLE crew;'),
      });
      const r = await p.cli(['--up']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /migrations\/002_create_missions\.sql: 002_create_missions depends on 003_create_crew \(it uses table crew\), which would not have run before it/);
      assert.match(r.stderr, /fix: renumber 002_create_missions after 003_create_crew/);
      assert.deepEqual((await tables(p)).filter((t) => !t.startsWith('database_')), [], 'nothing ran');

      const graph = await p.cli(['--status', '--graph']);
      assert.equal(graph.code, 0);
      assert.equal(graph.stdout.trim(), [
        '001_create_agencies',
        '002_create_missions',
        '  ├─ depends on 001_create_agencies (uses table agencies)',
        '  └─ depends on 003_create_crew (uses table crew)',
        '003_create_crew',
      ].join('\n'));
      const mermaid = await p.cli(['--status', '--graph', 'mermaid']);
      assert.match(mermaid.stdout, /^graph BT\n/);
      assert.match(mermaid.stdout, /m002 -->\|uses table crew\| m003/);
    });

    it('a statement that cannot run in a transaction, in a normal migration, is an error before anything runs', async () => {
      p = await makeProject(backend, {
        'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY, name text);', 'DROP TABLE agencies;'),
        'migrations/002_index_names.sql': migration('SELECT 1;\nCREATE INDEX CONCURRENTLY agencies_name_idx ON agencies (name);', 'DROP INDEX agencies_name_idx;'),
      });
      const r = await p.cli(['--up']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /migrations\/002_index_names\.sql:3: CREATE INDEX CONCURRENTLY cannot run inside a transaction, and 002_index_names runs in one/);
      assert.match(r.stderr, /fix: add the line "-- transaction: none" above "-- Up migration"/);
      assert.deepEqual((await tables(p)).filter((t) => !t.startsWith('database_')), [], 'not even 001 ran');
    });
  });
}
