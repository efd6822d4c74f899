import assert from 'node:assert/strict';
import { columnType, locateObject, objectOrigins, objectsAt, schemaObjects, splitKey } from '../../src/core/shadow/objects';
import type { ShadowSchema } from '../../src/core/shadow/types';
import { loadParser, type Parser } from '../../src/sql/parser';
import { BASE, MISSIONS, position, SCHEMA } from './helpers/shadow-schema';


describe('shadow/objects', function () {
  this.timeout(60000);
  let parser: Parser;
  before(async () => { parser = await loadParser(); });

  it('reads kinds and names of catalog keys, and the type of a column definition', () => {
    assert.deepEqual(splitKey('partitioned table public.log'), { kind: 'partitioned table', name: 'public.log' });
    assert.deepEqual(splitKey('materialized view app.mv'), { kind: 'materialized view', name: 'app.mv' });
    assert.deepEqual(splitKey('column public.t.c'), { kind: 'column', name: 'public.t.c' });
    assert.equal(columnType('timestamp with time zone not null default now()'), 'timestamp with time zone');
    assert.equal(columnType('character varying(100) collate "C"'), 'character varying(100)');
    assert.equal(columnType('bigint generated always as identity'), 'bigint');
    assert.equal(columnType('text[]'), 'text[]');
  });

  it('lists relations with their columns, schemas, functions and types', () => {
    const o = schemaObjects(SCHEMA.positions[1]!.catalog);
    assert.deepEqual(o.schemas, ['app', 'public']);
    const missions = o.relations.find((r) => r.name === 'missions')!;
    assert.equal(missions.kind, 'table');
    assert.deepEqual(missions.columns.map((c) => `${c.name}:${c.type}`), ['id:bigint', 'launch_date:date', 'name:text']);
    const view = o.relations.find((r) => r.name === 'recent_missions')!;
    assert.deepEqual([view.schema, view.kind, view.columns.length], ['app', 'view', 2]);
    assert.deepEqual(o.functions, [{ schema: 'public', name: 'touch', args: 'integer', kind: 'function' }]);
    assert.deepEqual(o.types.map((t) => t.name), ['mission_status']);
    assert.deepEqual(o.indexes.map((i) => i.name), ['missions_pkey']);
    assert.equal(schemaObjects(SCHEMA.positions[1]!.catalog), o, 'computed once per snapshot');
  });

  it('objectsAt is the state before a position: 0 the baseline, past the end (or -1) after everything', () => {
    assert.deepEqual(objectsAt(SCHEMA, 0).relations, []);
    assert.deepEqual(objectsAt(SCHEMA, 1).relations.map((r) => r.name), ['missions']);
    assert.equal(objectsAt(SCHEMA, 3).relations.find((r) => r.name === 'missions')!.columns[1]!.type, 'date');
    assert.equal(objectsAt(SCHEMA, 99).relations.find((r) => r.name === 'missions')!.columns[1]!.type, 'timestamp with time zone');
    assert.equal(objectsAt(SCHEMA, -1), objectsAt(SCHEMA, 5));
  });

  it('origins: created where a key appears, changed where it or its columns, constraints or indexes change', () => {
    const origins = objectOrigins(SCHEMA, parser);
    const o = (key: string) => { const x = origins.get(key)!; return `${x.created.version}/${x.changed.version}`; };
    assert.equal(o('table public.missions'), '001/004', 'the index (003) and the column type (004) change the table');
    assert.equal(o('column public.missions.launch_date'), '001/004');
    assert.equal(o('column public.missions.name'), '001/001');
    assert.equal(o('view app.recent_missions'), '002/005', 'a dropped column changes the view');
    assert.equal(o('index public.idx_missions_launch'), '003/003');
    assert.equal(origins.has('column app.recent_missions.name'), false, 'gone at the end');
    assert.equal(origins.has('schema public'), false, 'the baseline has no origin');
    const upTo3 = objectOrigins(SCHEMA, parser, 3);
    assert.equal(`${upTo3.get('table public.missions')!.changed.version}`, '003', 'only positions before the end count');
  });

  it('origins without a parser still follow columns; indexes then do not change their table', () => {
    const origins = objectOrigins(SCHEMA, undefined, 3);
    assert.equal(origins.get('table public.missions')!.changed.version, '001');
  });

  it('a dropped and re-created object is created again', () => {
    const schema: ShadowSchema = {
      serverVersion: '18.3', baseline: [],
      positions: [position('001', 'a', MISSIONS), position('002', 'b', BASE), position('003', 'c', MISSIONS)],
    };
    assert.equal(objectOrigins(schema).get('table public.missions')!.created.version, '003');
  });

  describe('locateObject', () => {
    const FILE = [
      '-- Up migration',
      'CREATE TABLE agencies (id bigint PRIMARY KEY);',
      '',
      'CREATE TABLE app.missions (',
      '    id bigint PRIMARY KEY,',
      '    "Launch" date',
      ');',
      'ALTER TABLE missions ADD COLUMN target text;',
      'CREATE INDEX idx_launch ON app.missions ("Launch");',
      'CREATE VIEW v AS SELECT id FROM agencies;',
      'ALTER TABLE agencies RENAME TO space_agencies;',
      "CREATE TYPE status AS ENUM ('a');",
      'CREATE FUNCTION f(i integer) RETURNS integer LANGUAGE sql AS $$ SELECT i $$;',
      'ALTER TABLE agencies ALTER COLUMN id TYPE integer;',
      '',
      '-- Down migration',
      'DROP TABLE app.missions;',
    ].join('\n');
    const at = (key: string) => { const l = locateObject(parser, FILE, key); return l ? `${l.line}:${l.column}` : null; };

    it('finds the statement that creates a table, a column, an index, a view, a type, a function', () => {
      assert.equal(at('table public.agencies'), '2:14');
      assert.equal(at('table app.missions'), '4:14');
      assert.equal(at('column app.missions.Launch'), '6:5');
      assert.equal(at('column app.missions.id'), '5:5');
      assert.equal(at('column public.missions.target'), '8:33');
      assert.equal(at('index app.idx_launch'), '9:1');
      assert.equal(at('view public.v'), '10:13');
      assert.equal(at('type public.status'), '12:1');
      assert.equal(at('function public.f(i integer)'), '13:1');
    });

    it('a view column (or one no statement names) goes to its relation; a renamed table to the rename; an altered column to the ALTER', () => {
      assert.equal(at('column public.v.id'), '10:13');
      assert.equal(at('table public.space_agencies'), '11:1');
      assert.equal(at('column public.agencies.name'), '2:14', 'no statement names the column: its table');
      assert.equal(at('column public.agencies.id'), '2:24', 'created by the CREATE TABLE, before the ALTER');
      assert.equal(at('sequence public.nothing'), null);
    });
  });
});
