import assert from 'node:assert/strict';
import {
  completionCandidates, cursorContext, errorMessage, errorRange, hoverMarkdown, migrationView, nameAt, objectKeyAt, shadowFailure, warningMessage, type MigrationView,
} from '../../src/core/shadow/editor-model';
import { MigrationError } from '../../src/core/errors';
import { loadParser, type Parser } from '../../src/sql/parser';
import { SCHEMA } from './helpers/shadow-schema';

/** Text with a "|" where the cursor is. */
function at(text: string): { text: string; offset: number } {
  const offset = text.indexOf('|');
  return { text: text.slice(0, offset) + text.slice(offset + 1), offset };
}

describe('shadow/editor-model', function () {
  this.timeout(60000);
  let parser: Parser;
  let view: MigrationView;
  before(async () => {
    parser = await loadParser();
    view = migrationView(SCHEMA, 3, parser); // editing 004_retype_launch: 001..003 have run
  });
  const labels = (source: string, v = view) => {
    const { text, offset } = at(source);
    const ctx = cursorContext(parser, text, offset);
    return ctx ? completionCandidates(v, ctx).map((c) => c.label) : null;
  };

  describe('cursorContext', () => {
    it('reads the qualifier, the word typed so far and the relations of the statement with their aliases', () => {
      const { text, offset } = at('SELECT 1;\nSELECT m.na| FROM public.missions AS m JOIN app.recent_missions r ON r.id = m.id, agencies WHERE true;\nSELECT 2;');
      const ctx = cursorContext(parser, text, offset)!;
      assert.deepEqual(ctx.qualifier, ['m']);
      assert.equal(ctx.prefix, 'na');
      assert.equal(text.slice(ctx.prefixStart, offset), 'na');
      assert.deepEqual(ctx.relations.map((r) => `${r.name.schema ?? ''}.${r.name.name}/${r.alias ?? ''}`).filter((r) => !r.startsWith('r.')),
        ['public.missions/m', 'app.recent_missions/r']);
    });

    it('knows ALTER TABLE, CREATE INDEX ... ON, UPDATE, INSERT INTO, FROM lists and quoted names', () => {
      const rel = (sql: string) => cursorContext(parser, sql, sql.length)!.relations.map((r) => r.name.name + (r.alias ? `/${r.alias}` : ''));
      assert.deepEqual(rel('ALTER TABLE IF EXISTS ONLY missions ADD COLUMN x '), ['missions']);
      assert.deepEqual(rel('CREATE INDEX ON missions ('), ['missions']);
      assert.deepEqual(rel('UPDATE "Missions" mi SET '), ['Missions/mi']);
      assert.deepEqual(rel('INSERT INTO missions ('), ['missions']);
      assert.deepEqual(rel('SELECT * FROM a, b AS x, c WHERE '), ['a', 'b/x', 'c']);
      assert.deepEqual(rel('SELECT * FROM a JOIN b USING (id) WHERE '), ['a', 'b']);
      assert.deepEqual(rel('SELECT * FROM a;\n'), [], 'after the ";" a new statement starts');
      assert.deepEqual(rel('SELECT * FROM a;\nSELECT * FROM b;\nUPDATE c SET '), ['c'], 'only the statement at the cursor');
    });

    it('is null inside a string, a comment or an unterminated string', () => {
      for (const sql of ["SELECT 'abc|def'", 'SELECT 1 -- note|', 'SELECT /* x| */ 1', "SELECT 'abc|"]) {
        const { text, offset } = at(sql);
        assert.equal(cursorContext(parser, text, offset), null, sql);
      }
    });
  });

  describe('completions at a migration position', () => {
    it('after "missions." or an alias: the columns of that table as they are before this migration', () => {
      assert.deepEqual(labels('SELECT missions.|'), ['id', 'launch_date', 'name']);
      assert.deepEqual(labels('SELECT m.| FROM missions m'), ['id', 'launch_date', 'name']);
      assert.deepEqual(labels('SELECT r.| FROM app.recent_missions r'), ['id', 'name']);
      assert.deepEqual(labels('SELECT app.recent_missions.|'), ['id', 'name']);
      const { text, offset } = at('SELECT missions.|');
      const launch = completionCandidates(view, cursorContext(parser, text, offset)!).find((c) => c.label === 'launch_date')!;
      assert.equal(launch.kind, 'column');
      assert.match(launch.detail, /^date — public\.missions\.launch_date/, 'before 004 the column is still a date');
    });

    it('after "schema.": its relations, functions and types', () => {
      assert.deepEqual(labels('SELECT * FROM app.|'), ['recent_missions']);
      assert.deepEqual(labels('SELECT public.|')!.sort(), ['mission_status', 'missions', 'touch']);
      assert.deepEqual(labels('SELECT nothing.|'), []);
    });

    it('otherwise: columns of the statement\'s tables first, then relations, schemas, functions and types', () => {
      const { text, offset } = at('UPDATE missions SET |');
      const items = completionCandidates(view, cursorContext(parser, text, offset)!);
      const sorted = [...items].sort((a, b) => a.sortText.localeCompare(b.sortText)).map((c) => `${c.kind}:${c.label}`);
      assert.deepEqual(sorted, [
        'column:id', 'column:launch_date', 'column:name', 'table:missions', 'view:app.recent_missions',
        'type:mission_status', 'function:touch', 'schema:app', 'schema:public',
      ]);
    });

    it('follows the history: before 002 there is no view, at the start there is nothing', () => {
      assert.deepEqual(labels('SELECT * FROM app.|', migrationView(SCHEMA, 1, parser)), [], 'schema app comes with 002 itself');
      assert.deepEqual(labels('SELECT * FROM app.|', migrationView(SCHEMA, 0, parser)), []);
      assert.deepEqual(labels('SELECT missions.|', migrationView(SCHEMA, 0, parser)), ['id', 'launch_date', 'name'],
        'a table the migration itself creates completes too');
    });
  });

  describe('hover and object keys', () => {
    const hover = (source: string, v = view) => {
      const { text, offset } = at(source);
      const name = nameAt(parser, text, offset);
      return name ? hoverMarkdown(v, name) : null;
    };

    it('a table: its columns with their definitions, where it was created and last changed', () => {
      const md = hover('SELECT * FROM miss|ions')!;
      assert.match(md, /\*\*table\*\* `public\.missions`/);
      assert.match(md, /launch_date date\n/);
      assert.ok(md.indexOf('Created in') < md.indexOf('```sql'), 'where it came from comes before the columns');
      assert.match(md, /Created in 001_create_missions\.sql, last changed in this migration \(004_retype_launch\.sql\)\./);
      const at003 = migrationView(SCHEMA, 2, parser);
      assert.match(hover('SELECT * FROM miss|ions', at003)!, /Created in 001_create_missions\.sql, last changed in this migration \(003_index_launch\.sql\)\./);
      assert.match(hover('SELECT * FROM miss|ions', migrationView(SCHEMA, 4, parser))!, /Created in 001_create_missions\.sql, last changed in 004_retype_launch\.sql\./);
    });

    it('a column through an alias or of the statement\'s table; unknown names have none', () => {
      assert.match(hover('SELECT m.launch_da|te FROM missions m')!, /^\*\*column\*\* `public\.missions\.launch_date`\n\nCreated in 001_create_missions\.sql, last changed in this migration \(004_retype_launch\.sql\)\.\n\n```sql\nlaunch_date date\n```$/);
      assert.match(hover('SELECT m.na|me FROM missions m')!, /Created in 001_create_missions\.sql; not changed since\./);
      assert.match(hover('UPDATE missions SET na|me = 1')!, /`public\.missions\.name`/);
      assert.equal(hover('UPDATE missions SET lauch_da|te = 1'), null);
      assert.equal(hover("SELECT 'missi|ons'"), null);
    });

    it('an object this migration creates is "created in this migration"', () => {
      const md = hover('SELECT * FROM app.recent_mi|ssions', migrationView(SCHEMA, 1, parser))!;
      assert.match(md, /Created in this migration \(002_add_view\.sql\)/);
      assert.match(md, /^\*\*view\*\* `app\.recent_missions`\n/, 'a view\'s query is not in the title');
      assert.match(md, /```sql\nAS SELECT id, name FROM missions\n```$/);
    });

    it('objectKeyAt names the catalog key go-to-definition looks for', () => {
      const key = (source: string) => {
        const { text, offset } = at(source);
        return objectKeyAt(view, nameAt(parser, text, offset)!)?.key ?? null;
      };
      assert.equal(key('SELECT r.na|me FROM app.recent_missions r'), 'column app.recent_missions.name');
      assert.equal(key('SELECT * FROM app.recent|_missions'), 'view app.recent_missions');
      assert.equal(key('SELECT * FROM nope|'), null);
    });
  });

  it('replay errors: 0-based ranges (never empty) and the message with its hint', () => {
    const e = { message: 'column "lauch_date" does not exist', hint: 'Perhaps you meant to reference the column "missions.launch_date".', code: '42703', line: 3, column: 5, endLine: 3, endColumn: 5 };
    assert.deepEqual(errorRange(e), { startLine: 2, startCharacter: 4, endLine: 2, endCharacter: 5 });
    assert.deepEqual(errorRange({ ...e, endLine: 4, endColumn: 2 }), { startLine: 2, startCharacter: 4, endLine: 3, endCharacter: 1 });
    assert.match(errorMessage(e), /^column "lauch_date" does not exist\nPerhaps you meant/);
    assert.equal(warningMessage({ ...e, message: 'uses X, which needs PostgreSQL 18', hint: undefined }), 'uses X, which needs PostgreSQL 18');
    assert.equal(warningMessage({ ...e, message: 'm', hint: 'h' }), 'm\nh');
  });

  it('a shadow that cannot be built at all is placed on the file its error names; other failures are not', () => {
    const err = new MigrationError('E_SHADOW_EXTENSION', 'migrations/003_x.sql creates extension "postgis", which the embedded database does not ship',
      'add "postgis" to "shadow.skipExtensions" in the config', { file: 'migrations/003_x.sql', line: 4 });
    assert.deepEqual(shadowFailure(err, '/p'), {
      file: '/p/migrations/003_x.sql', line: 3, character: 0, code: 'E_SHADOW_EXTENSION',
      message: 'migrations/003_x.sql creates extension "postgis", which the embedded database does not ship\nfix: add "postgis" to "shadow.skipExtensions" in the config',
    });
    assert.equal(shadowFailure(new MigrationError('E_SHADOW_EXTENSION', 'm', 'h'), '/p'), null);
    assert.equal(shadowFailure(new Error('boom'), '/p'), null);
  });
});
