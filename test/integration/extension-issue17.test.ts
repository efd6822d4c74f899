/**
 * Issue 17 against a real embedded database (PGlite): what the engine tells the editor while it works (progress:
 * "Applying 002_x (2 of 3)"), and sizes in the history log written by a backup (one format, not bytes).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectProject, MigrationEngine, openProject, type EngineEvent } from '../../src/core/engine';
import { renderProgress } from '../../src/core/report';

describe('issue 17: progress and history wording on PGlite', function () {
  this.timeout(240000);
  let dir: string;
  let engine: MigrationEngine;
  const events: EngineEvent[] = [];

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-issue17-int-'));
    fs.mkdirSync(path.join(dir, 'migrations'));
    for (const [i, name] of ['create_agencies', 'create_missions', 'add_notes'].entries()) {
      const v = String(i + 1).padStart(3, '0');
      const up = i === 2 ? 'ALTER TABLE missions ADD COLUMN notes text;' : `CREATE TABLE ${name.slice(7)} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);`;
      const down = i === 2 ? 'ALTER TABLE missions DROP COLUMN notes;' : `DROP TABLE ${name.slice(7)};`;
      fs.writeFileSync(path.join(dir, 'migrations', `${v}_${name}.sql`), `-- Up migration\n${up}\n\n-- Down migration\n${down}\n`);
    }
    const project = openProject({ cwd: dir, processEnv: {} });
    engine = new MigrationEngine(project, connectProject(project), { onEvent: (e) => events.push(e) });
  });
  after(async () => {
    await engine?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('each migration of a run says its place in it: "Applying 002_create_missions (2 of 3)", "Rolling back … (1 of 2)"', async () => {
    await engine.up({ noBackup: true });
    const starts = events.filter((e) => e.type === 'migration-start');
    assert.deepEqual(starts.map((e) => renderProgress(e)!.message),
      ['Applying 001_create_agencies (1 of 3)', 'Applying 002_create_missions (2 of 3)', 'Applying 003_add_notes (3 of 3)']);
    events.length = 0;
    await engine.down({ steps: 2, noBackup: true });
    assert.deepEqual(events.filter((e) => e.type === 'migration-start').map((e) => renderProgress(e)!.message),
      ['Rolling back 003_add_notes (1 of 2)', 'Rolling back 002_create_missions (2 of 2)']);
  });

  it('a backup is logged with its size as every view shows sizes ("12.3 kB"), not in bytes', async () => {
    events.length = 0;
    const entry = await engine.backup();
    const done = events.find((e) => e.type === 'backup-done');
    assert.ok(done);
    assert.match(renderProgress(done)!.message, new RegExp(`^Backup ${entry.id} taken \\(\\d+(\\.\\d)? (B|kB|MB)\\)$`));
    const log = await engine.log(5);
    const row = log.find((l) => l.action === 'backup' && (l.message ?? '').includes(entry.id));
    assert.ok(row, 'the backup is in the history log');
    assert.match(row.message!, /\(manual, \d+(\.\d)? (B|kB|MB)\)/);
    assert.doesNotMatch(row.message!, /bytes/);
  });
});
