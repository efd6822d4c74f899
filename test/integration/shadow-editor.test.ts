/**
 * The editor's knowledge of the schema on the real shadow (the NASA example replayed into PGlite): completions at a
 * new migration's position, hover and go-to-definition to the migration that made an object, and a misspelt
 * column reported at its statement, then gone once fixed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../src/core/config';
import { completionCandidates, cursorContext, hoverMarkdown, migrationView, nameAt, objectKeyAt } from '../../src/core/shadow/editor-model';
import { locateObject } from '../../src/core/shadow/objects';
import { ShadowService } from '../../src/core/shadow/service';
import { loadParser, type Parser } from '../../src/sql/parser';

const EXAMPLE = path.resolve(__dirname, '..', '..', '..', 'examples', 'nasa-portal');
const REPORT = (column: string) => ['-- Launch dates for the mission report.', '-- Up migration', 'SELECT missions.launch_date FROM missions;',
  `UPDATE missions SET ${column} = NULL WHERE false;`, '', '-- Down migration', ''].join('\n');

describe('shadow schema in the editor (NASA example on PGlite)', function () {
  this.timeout(300000);
  let dir: string;
  let report: string;
  let service: ShadowService;
  let parser: Parser;
  const timings: Record<string, number> = {};

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-shadow-editor-'));
    fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[\\/]\.migrations$/.test(src) });
    const count = fs.readdirSync(path.join(dir, 'migrations')).filter((f) => f.endsWith('.sql')).length;
    report = path.join(dir, 'migrations', `${String(count + 1).padStart(3, '0')}_mission_launch_report.sql`);
    fs.writeFileSync(report, REPORT('lauch_date'));
    service = new ShadowService(loadConfig({ cwd: dir }), { keepWarm: true });
    parser = await loadParser();
  });
  after(async () => {
    await service?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    console.log(`      timings: ${JSON.stringify(timings)}`);
  });

  it('a new migration after the others: completions, hover and definition from the migrations before it', async () => {
    let started = performance.now();
    const schema = await service.refresh();
    timings.firstRefreshMs = Math.round(performance.now() - started);
    const index = service.positionOf(report);
    assert.equal(index, schema.positions.length - 1, 'the report is the last migration');
    started = performance.now();
    const view = migrationView(schema, index, parser);
    timings.viewMs = Math.round(performance.now() - started);

    const text = 'SELECT missions.';
    const items = completionCandidates(view, cursorContext(parser, text, text.length)!);
    const launch = items.find((c) => c.label === 'launch_date');
    assert.ok(launch, `launch_date among ${items.map((c) => c.label).join(', ')}`);
    assert.equal(launch.kind, 'column');
    assert.match(launch.detail, /^date — public\.missions\.launch_date/);

    const hoverText = 'SELECT * FROM missions';
    const hover = hoverMarkdown(view, nameAt(parser, hoverText, hoverText.length)!)!;
    assert.match(hover, /\*\*table\*\* `public\.missions`/);
    assert.match(hover, /launch_date date/);
    assert.match(hover, /Created in 002_create_missions\.sql/);

    const column = 'SELECT m.launch_date FROM missions m';
    const found = objectKeyAt(view, nameAt(parser, column, column.indexOf('launch_date') + 2)!)!;
    assert.equal(found.key, 'column public.missions.launch_date');
    const origin = view.origins.get(found.key)!;
    assert.equal(path.basename(origin.created.file), '002_create_missions.sql');
    const source = fs.readFileSync(origin.created.file, 'utf8');
    const at = locateObject(parser, source, found.key)!;
    const expectedLine = source.split('\n').findIndex((l) => /^\s+launch_date\s+date,/.test(l)) + 1;
    assert.deepEqual(at, { line: expectedLine, column: 5 });
  });

  it('a misspelt column is an error at its statement; fixing the last migration clears it (warm: fast)', async () => {
    const schema = await service.refresh();
    const errors = schema.positions[service.positionOf(report)]!.errors;
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0]!.message, /column "lauch_date" of relation "missions" does not exist/);
    assert.equal(errors[0]!.line, 4);
    assert.equal(errors[0]!.column, 21);
    for (const p of schema.positions.slice(0, -1)) assert.deepEqual(p.errors, [], `${p.name} replays cleanly`);

    fs.writeFileSync(report, REPORT('launch_date'));
    const started = performance.now();
    const fixed = await service.refresh();
    timings.refreshAfterEditingLastMs = Math.round(performance.now() - started);
    assert.deepEqual(fixed.positions[service.positionOf(report)]!.errors, []);
  });
});
