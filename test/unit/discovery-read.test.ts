import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSqlText } from '../../src/core/discovery';
import { discoverMigrations } from '../../src/core/formats';
import { checksumSql, parseMigrationFile } from '../../src/core/migration-file';

/** The checksum as it was computed before issue 13 (regex normalisation): the stored checksums must not change. */
function referenceChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n?/g, '\n').replace(/\s+$/, ''), 'utf8').digest('hex');
}

/** The sections as they were split before issue 13 (every line trimmed, one regex split). */
function referenceUp(text: string): string {
  const lines = text.split(/\r\n|\n|\r/);
  const up = lines.findIndex((l) => /^--\s*up migration\s*$/i.test(l.trim()));
  const down = lines.findIndex((l) => /^--\s*down migration\s*$/i.test(l.trim()));
  return lines.slice(up + 1, down === -1 ? lines.length : down).join('\n');
}

describe('reading migration files (issue 13 start-up work)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-read-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('checksums are unchanged for line endings and trailing white space of every kind', () => {
    const samples = [
      '', ' ', 'SELECT 1;', 'SELECT 1;\n', 'SELECT 1;\r\n\r\n', 'SELECT 1;\r', 'a\rb\r\nc\n', 'SELECT 1;\t \n\u00a0\u2028\u2029\ufeff\u3000\v\f',
      'x  \n  y  \n', '\n\n\n', 'SELECT \'a  \n\';   \n -- comment  \r\n', 'tail\u200b', // U+200B is not white space: kept
    ];
    for (const s of samples) assert.equal(checksumSql(s), referenceChecksum(s), JSON.stringify(s));
  });

  it('the up section is unchanged with CRLF, lone CR and LF files, and with comment lines in the SQL', () => {
    const bodies = [
      '-- Up migration\nCREATE TABLE t (id int); -- trailing\n  -- indented comment\nSELECT \'--\';\n\n-- Down migration\nDROP TABLE t;\n',
      '-- Up migration\r\nCREATE TABLE t (id int);\r\n-- Down migration\r\nDROP TABLE t;\r\n',
      '-- Up migration\rCREATE TABLE t (id int);\r-- Down migration\rDROP TABLE t;\r',
      '-- depends: 000\n-- Up migration\nSELECT 1;\n',
    ];
    for (const body of bodies) {
      const m = parseMigrationFile(body, '001_t.sql');
      assert.equal(m.up, referenceUp(body), JSON.stringify(body));
      assert.equal(m.checksum, referenceChecksum(referenceUp(body)));
    }
  });

  it('reads files of every size whole, as strict UTF-8, through the one-fstat path', () => {
    const sizes = [0, 1, 63, 64, 65, 4096, 65536, 300001];
    for (const size of sizes) {
      const text = 'é'.repeat(Math.floor(size / 2)) + (size % 2 ? 'x' : '');
      const file = path.join(dir, `f${size}.sql`);
      fs.writeFileSync(file, text);
      assert.equal(readSqlText(file, file), text, `size ${size}`);
    }
  });

  it('discovered files keep their shown path relative to the project root', () => {
    fs.mkdirSync(path.join(dir, 'db', 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'db', 'migrations', '002_b.sql'), '-- Up migration\nSELECT 2;\n');
    fs.writeFileSync(path.join(dir, 'db', 'migrations', '001_a.sql'), '-- Up migration\nSELECT 1;\n');
    const found = discoverMigrations(path.join(dir, 'db', 'migrations'), { displayRoot: dir });
    assert.deepEqual(found.map((m) => m.file), [path.join('db', 'migrations', '001_a.sql'), path.join('db', 'migrations', '002_b.sql')]);
    const outside = discoverMigrations(path.join(dir, 'db', 'migrations'), { displayRoot: path.join(dir, 'elsewhere') });
    assert.deepEqual(outside.map((m) => m.file), [path.join('..', 'db', 'migrations', '001_a.sql'), path.join('..', 'db', 'migrations', '002_b.sql')]);
    const absolute = discoverMigrations(path.join(dir, 'db', 'migrations'));
    assert.equal(absolute[0]!.file, path.join(dir, 'db', 'migrations', '001_a.sql'));
  });
});
