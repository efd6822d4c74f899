import assert from 'node:assert/strict';
import {
  createdObjects, droppedObjects, foreignKeys, indexDefinitions, nonTransactionalReason, objectsCreated, objectsLeftBehind,
  renamedObject, sameName,
} from '../../src/sql/objects';
import { parseScriptSync, type ParsedStatement } from '../../src/sql/parse';
import { loadParser, type Parser } from '../../src/sql/parser';

let parser: Parser;
const parse = (sql: string): ParsedStatement[] => parseScriptSync(parser, sql);
const one = (sql: string): ParsedStatement => {
  const [s] = parse(sql);
  assert.ok(s?.node, `parses: ${sql}`);
  return s;
};
const created = (sql: string) => { const s = one(sql); return createdObjects(s.kind, s.node).map((o) => `${o.kind} ${o.table ? `${o.table.name}.` : ''}${o.schema ? `${o.schema}.` : ''}${o.name}`); };
const dropped = (sql: string) => { const s = one(sql); return droppedObjects(s.kind, s.node).map((o) => `${o.kind} ${o.table ? `${o.table.name}.` : ''}${o.schema ? `${o.schema}.` : ''}${o.name}${o.cascade ? ' cascade' : ''}`); };
const reason = (sql: string, v = 15) => { const s = one(sql); return nonTransactionalReason(s.kind, s.node, v); };
const leftBehind = (up: string, down: string) => objectsLeftBehind(parse(up), parse(down)).map((o) => `${o.kind} ${o.name}`);

describe('sql/objects', function () {
  this.timeout(30000);
  before(async () => { parser = await loadParser(); });

  describe('createdObjects', () => {
    it('tables, views, materialized views, sequences, types, functions, schemas, extensions', () => {
      assert.deepEqual(created('CREATE TABLE app.t (id int PRIMARY KEY)'), ['table app.t']);
      assert.deepEqual(created('CREATE TABLE x AS SELECT 1'), ['table x']);
      assert.deepEqual(created('CREATE MATERIALIZED VIEW mv AS SELECT 1'), ['materialized view mv']);
      assert.deepEqual(created('CREATE OR REPLACE VIEW v AS SELECT 1'), ['view v']);
      assert.deepEqual(created('CREATE SEQUENCE s'), ['sequence s']);
      assert.deepEqual(created("CREATE TYPE e AS ENUM ('a')"), ['type e']);
      assert.deepEqual(created('CREATE TYPE c AS (a int)'), ['type c']);
      assert.deepEqual(created('CREATE DOMAIN d AS int'), ['domain d']);
      assert.deepEqual(created("CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'select 1'"), ['function s.f']);
      assert.deepEqual(created("CREATE PROCEDURE p() LANGUAGE sql AS 'select 1'"), ['procedure p']);
      assert.deepEqual(created('CREATE EXTENSION IF NOT EXISTS pgcrypto'), ['extension pgcrypto']);
      assert.deepEqual(created('CREATE SCHEMA s CREATE TABLE t (id int) CREATE VIEW v AS SELECT 1'), ['schema s', 'table s.t', 'view s.v']);
    });

    it('indexes (named and unnamed), triggers, policies, added columns and constraints', () => {
      assert.deepEqual(created('CREATE INDEX idx_a ON t (a)'), ['index t.idx_a']);
      assert.deepEqual(created('CREATE INDEX ON t (a, lower(b))'), ['index t.t_a_expr_idx']);
      assert.deepEqual(created('CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()'), ['trigger t.tr']);
      assert.deepEqual(created('CREATE POLICY p ON t USING (true)'), ['policy t.p']);
      assert.deepEqual(created('ALTER TABLE t ADD COLUMN x int REFERENCES p, ADD CONSTRAINT c CHECK (x > 0), ADD FOREIGN KEY (y) REFERENCES p'),
        ['column t.x', 'constraint t.c', 'constraint t.t_y_fkey']);
    });

    it('names come from the parse tree: unquoted identifiers are lower case, quoted ones keep their case', () => {
      assert.deepEqual(created('CREATE TABLE Missions (id int)'), ['table missions']);
      assert.deepEqual(created('CREATE TABLE "Missions" (id int)'), ['table Missions']);
    });

    it('statements that create nothing', () => {
      assert.deepEqual(created('INSERT INTO t VALUES (1)'), []);
      assert.deepEqual(created('ALTER TABLE t ALTER COLUMN a SET NOT NULL'), []);
    });
  });

  describe('droppedObjects and renamedObject', () => {
    it('DROP statements of every kind, with CASCADE', () => {
      assert.deepEqual(dropped('DROP TABLE IF EXISTS a, s.b CASCADE'), ['table a cascade', 'table s.b cascade']);
      assert.deepEqual(dropped('DROP INDEX CONCURRENTLY idx'), ['index idx']);
      assert.deepEqual(dropped('DROP TRIGGER tr ON s.t'), ['trigger t.tr']);
      assert.deepEqual(dropped('DROP POLICY p ON t'), ['policy t.p']);
      assert.deepEqual(dropped('DROP FUNCTION f(int), g'), ['function f', 'function g']);
      assert.deepEqual(dropped('DROP SCHEMA a CASCADE'), ['schema a cascade']);
      assert.deepEqual(dropped('DROP MATERIALIZED VIEW mv'), ['materialized view mv']);
      assert.deepEqual(dropped('DROP TYPE e'), ['type e']);
    });

    it('ALTER TABLE DROP COLUMN / DROP CONSTRAINT', () => {
      assert.deepEqual(dropped('ALTER TABLE t DROP COLUMN a, DROP CONSTRAINT IF EXISTS c CASCADE'), ['column t.a', 'constraint t.c cascade']);
    });

    it('renames', () => {
      const r = (sql: string) => { const s = one(sql); const x = renamedObject(s.kind, s.node); return x && `${x.from.kind} ${x.from.table ? `${x.from.table.name}.` : ''}${x.from.name} -> ${x.to}`; };
      assert.equal(r('ALTER TABLE t RENAME TO u'), 'table t -> u');
      assert.equal(r('ALTER TABLE t RENAME COLUMN a TO b'), 'column t.a -> b');
      assert.equal(r('ALTER INDEX i RENAME TO j'), 'index i -> j');
      assert.equal(r('ALTER TABLE t ADD COLUMN a int'), null);
    });

    it('sameName: unqualified names match any schema, qualified ones must agree', () => {
      assert.ok(sameName({ schema: null, name: 't' }, { schema: 'public', name: 't' }));
      assert.ok(!sameName({ schema: 'app', name: 't' }, { schema: 'public', name: 't' }));
      assert.ok(!sameName({ schema: null, name: 't' }, { schema: null, name: 'T' }));
    });
  });

  describe('indexDefinitions and foreignKeys', () => {
    it('reads PRIMARY KEY / UNIQUE column and table constraints and CREATE INDEX', () => {
      const s = one('CREATE TABLE t (id int PRIMARY KEY, code text UNIQUE, a int, b int, UNIQUE (a, b), EXCLUDE USING gist (a WITH =))');
      const defs = indexDefinitions(s.kind, s.node);
      assert.deepEqual(defs.map((d) => `${d.kind} ${d.method} ${d.keys.join(',')}`), ['primary key btree id', 'unique btree code', 'unique btree a,b', 'exclusion gist a']);
      const i = one('CREATE UNIQUE INDEX i ON t USING btree (a text_pattern_ops, lower(b)) INCLUDE (c) WHERE d > 0');
      const [d] = indexDefinitions(i.kind, i.node);
      assert.equal(d!.kind, 'unique index');
      assert.deepEqual(d!.columns, ['a', null]);
      assert.deepEqual(d!.include, ['c']);
      assert.ok(d!.where);
      assert.match(d!.elementOptions[0]!, /text_pattern_ops/);
    });

    it('ALTER TABLE ADD CONSTRAINT, ADD COLUMN ... UNIQUE and USING INDEX', () => {
      const s = one('ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX i, ADD COLUMN z int UNIQUE');
      assert.deepEqual(indexDefinitions(s.kind, s.node).map((d) => [d.name, d.usingIndex, d.keys]), [['c', 'i', []], [null, null, ['z']]]);
    });

    it('foreign keys from column REFERENCES, table FOREIGN KEY and ALTER TABLE', () => {
      const s = one('CREATE TABLE t (m int REFERENCES missions(id), x int, y int, FOREIGN KEY (x, y) REFERENCES p (a, b))');
      assert.deepEqual(foreignKeys(s.kind, s.node).map((f) => `${f.columns.join(',')}->${f.referencedTable.name}(${f.referencedColumns.join(',')}) ${f.newColumns}`),
        ['m->missions(id) true', 'x,y->p(a,b) true']);
      const a = one('ALTER TABLE t ADD COLUMN z int, ADD CONSTRAINT fk FOREIGN KEY (z) REFERENCES p, ADD CONSTRAINT fk2 FOREIGN KEY (w) REFERENCES p');
      assert.deepEqual(foreignKeys(a.kind, a.node).map((f) => `${f.name} ${f.columns.join(',')} ${f.newColumns}`), ['fk z true', 'fk2 w false']);
    });
  });

  describe('objectsCreated / objectsLeftBehind', () => {
    it('follows drops and renames within the section', () => {
      const objs = objectsCreated(parse('CREATE TABLE a (id int); CREATE INDEX i ON a (id); DROP INDEX i; ALTER TABLE a RENAME TO b; CREATE INDEX j ON b (id);'));
      assert.deepEqual(objs.map((o) => `${o.kind} ${o.name}${o.table ? ` on ${o.table.name}` : ''}`), ['table b', 'index j on b']);
    });

    it('a dropped table takes its indexes, columns, constraints, triggers and policies', () => {
      assert.deepEqual(leftBehind(
        'CREATE TABLE t (id int); CREATE INDEX i ON t (id); ALTER TABLE t ADD COLUMN x int, ADD CONSTRAINT c CHECK (x > 0); CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f(); CREATE POLICY p ON t USING (true);',
        'DROP TABLE t;'), []);
    });

    it('reports what the down section leaves behind', () => {
      assert.deepEqual(leftBehind(
        "CREATE TABLE t (id int); CREATE INDEX i ON old (id); CREATE TYPE e AS ENUM ('a'); CREATE VIEW v AS SELECT 1; ALTER TABLE old ADD COLUMN c int;",
        'DROP TABLE t;'), ['index i', 'type e', 'view v', 'column c']);
    });

    it('a dropped column takes the indexes and constraints on it; DROP COLUMN reverses ADD COLUMN', () => {
      assert.deepEqual(leftBehind('ALTER TABLE old ADD COLUMN c int; CREATE INDEX i ON old (c); ALTER TABLE old ADD CONSTRAINT k CHECK (c > 0);', 'ALTER TABLE old DROP COLUMN c;'), []);
    });

    it('DROP ... CASCADE takes dependents: schema contents, views on a table, triggers on a function', () => {
      assert.deepEqual(leftBehind('CREATE SCHEMA s; CREATE TABLE s.t (id int); CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$select 1$$;', 'DROP SCHEMA s CASCADE;'), []);
      assert.deepEqual(leftBehind('CREATE SCHEMA s; CREATE TABLE s.t (id int);', 'DROP SCHEMA s;'), ['table t']);
      assert.deepEqual(leftBehind('CREATE VIEW v AS SELECT * FROM old;', 'DROP TABLE old CASCADE;'), []);
      assert.deepEqual(leftBehind('CREATE VIEW v AS SELECT * FROM old;', 'DROP TABLE old;'), ['view v']);
    });

    it('unnamed constraints and indexes match the name PostgreSQL picks, or any unclaimed drop on the table', () => {
      assert.deepEqual(leftBehind('ALTER TABLE old ADD FOREIGN KEY (m) REFERENCES p;', 'ALTER TABLE old DROP CONSTRAINT old_m_fkey;'), []);
      assert.deepEqual(leftBehind('ALTER TABLE old ADD UNIQUE (a);', 'ALTER TABLE old DROP CONSTRAINT some_custom_name;'), []);
      assert.deepEqual(leftBehind('CREATE INDEX ON old (a);', 'DROP INDEX old_a_idx;'), []);
      assert.deepEqual(leftBehind('ALTER TABLE old ADD UNIQUE (a);', 'ALTER TABLE other DROP CONSTRAINT x;'), ['constraint old_a_key']);
    });

    it('ADD CONSTRAINT ... USING INDEX: dropping the constraint drops the index', () => {
      assert.deepEqual(leftBehind('CREATE UNIQUE INDEX i ON old (a); ALTER TABLE old ADD CONSTRAINT c UNIQUE USING INDEX i;', 'ALTER TABLE old DROP CONSTRAINT c;'), []);
    });

    it('schema defaults and case: public.t and t are the same table', () => {
      assert.deepEqual(leftBehind('CREATE TABLE public.t (id int); CREATE TABLE Missions (id int);', 'DROP TABLE t; DROP TABLE MISSIONS;'), []);
      assert.deepEqual(leftBehind('CREATE TABLE app.t (id int);', 'DROP TABLE other.t;'), ['table t']);
    });

    it('CREATE OR REPLACE objects restored by the down section count as handled', () => {
      assert.deepEqual(leftBehind('CREATE OR REPLACE VIEW v AS SELECT 2;', 'CREATE OR REPLACE VIEW v AS SELECT 1;'), []);
    });

    it('follows renames in the down section (swap-table migrations)', () => {
      assert.deepEqual(leftBehind('CREATE TABLE t_new (id int); DROP TABLE t; ALTER TABLE t_new RENAME TO t;',
        'ALTER TABLE t RENAME TO t_new; CREATE TABLE t (id int); DROP TABLE t_new;'), []);
    });

    it('a partition goes with its partitioned table', () => {
      assert.deepEqual(leftBehind('CREATE TABLE m (at date) PARTITION BY RANGE (at); CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\');', 'DROP TABLE m;'), []);
    });

    it('sequences OWNED BY a column go with the table', () => {
      assert.deepEqual(leftBehind('CREATE TABLE t (id int); CREATE SEQUENCE s OWNED BY t.id;', 'DROP TABLE t;'), []);
      assert.deepEqual(leftBehind('CREATE SEQUENCE s; CREATE TABLE t (id int DEFAULT nextval(\'s\')); ALTER SEQUENCE s OWNED BY t.id;', 'DROP TABLE t;'), []);
    });
  });

  describe('nonTransactionalReason', () => {
    it('statements PostgreSQL refuses inside a transaction block', () => {
      assert.equal(reason('CREATE INDEX CONCURRENTLY i ON t (a)'), 'CREATE INDEX CONCURRENTLY');
      assert.equal(reason('DROP INDEX CONCURRENTLY i'), 'DROP INDEX CONCURRENTLY');
      assert.equal(reason('REINDEX INDEX CONCURRENTLY i'), 'REINDEX CONCURRENTLY');
      assert.equal(reason('REINDEX SCHEMA s'), 'REINDEX SCHEMA');
      assert.equal(reason('VACUUM t'), 'VACUUM');
      assert.equal(reason('VACUUM (ANALYZE) t'), 'VACUUM');
      assert.equal(reason('CREATE DATABASE d'), 'CREATE DATABASE');
      assert.equal(reason('DROP DATABASE d'), 'DROP DATABASE');
      assert.equal(reason('ALTER SYSTEM SET work_mem = 1'), 'ALTER SYSTEM');
      assert.equal(reason("CREATE TABLESPACE x LOCATION '/a'"), 'CREATE TABLESPACE');
      assert.equal(reason('DROP TABLESPACE x'), 'DROP TABLESPACE');
      assert.equal(reason('CLUSTER'), 'CLUSTER without a table');
      assert.equal(reason('ALTER TABLE t DETACH PARTITION p1 CONCURRENTLY'), 'DETACH PARTITION CONCURRENTLY');
      assert.equal(reason('ALTER DATABASE d SET TABLESPACE x'), 'ALTER DATABASE ... SET TABLESPACE');
      assert.equal(reason('DISCARD ALL'), 'DISCARD ALL');
    });

    it('ALTER TYPE ... ADD VALUE only before PostgreSQL 12', () => {
      assert.equal(reason("ALTER TYPE e ADD VALUE 'x'", 11), 'ALTER TYPE ... ADD VALUE');
      assert.equal(reason("ALTER TYPE e ADD VALUE 'x'", 12), null);
      assert.equal(reason("ALTER TYPE e RENAME VALUE 'x' TO 'y'", 11), null);
    });

    it('allowed in a transaction', () => {
      for (const sql of ['REFRESH MATERIALIZED VIEW CONCURRENTLY mv', 'ANALYZE t', 'CREATE INDEX i ON t (a)', 'DROP INDEX i', 'REINDEX TABLE t',
        'CLUSTER t USING i', 'ALTER TABLE t DETACH PARTITION p1', 'DISCARD PLANS', 'ALTER DATABASE d SET work_mem = 1',
        "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p WITH (create_slot = false)"]) {
        assert.equal(reason(sql), null, sql);
      }
    });
  });
});
