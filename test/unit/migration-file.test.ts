import assert from 'node:assert/strict';
import {
  checksumSql,
  compareVersions,
  firstCodeOffset,
  hasStatements,
  isReversible,
  migrationId,
  parseMigrationFile,
  parseMigrationFileName,
} from '../../src/core/migration-file';
import { MigrationError, type ErrorCode } from '../../src/core/errors';

const FILE = 'migrations/001_create_space_objects.sql';

/** Runs fn, asserts it throws a MigrationError with this code, and returns the error for further checks. */
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

const BASIC = [
  '-- 001_create_space_objects: a table of space objects.',
  '-- Up migration',
  'CREATE TABLE space_objects (id int);',
  '',
  '-- Down migration',
  'DROP TABLE space_objects;',
  '',
].join('\n');

describe('parseMigrationFile', () => {
  describe('markers and sections', () => {
    it('splits a file into up and down sections and takes version and name from the file name', () => {
      const m = parseMigrationFile(BASIC, FILE);
      assert.equal(m.version, '001');
      assert.equal(m.name, 'create_space_objects');
      assert.equal(m.file, FILE);
      assert.equal(m.up, 'CREATE TABLE space_objects (id int);\n');
      assert.equal(m.down, 'DROP TABLE space_objects;\n');
      assert.equal(m.transactional, true);
      assert.equal(m.environments, null);
      assert.deepEqual(m.depends, []);
      assert.equal(m.checksum, checksumSql(m.up));
      assert.match(m.checksum, /^[0-9a-f]{64}$/);
      assert.equal(isReversible(m), true);
    });

    it('reports upLine and downLine as the first line after each marker', () => {
      const m = parseMigrationFile(BASIC, FILE);
      assert.equal(m.upLine, 3);
      assert.equal(m.downLine, 6);
      const lines = BASIC.split('\n');
      assert.equal(lines[m.upLine - 1], 'CREATE TABLE space_objects (id int);');
      assert.equal(lines[m.downLine! - 1], 'DROP TABLE space_objects;');
    });

    it('upLine is 2 when the marker is the first line', () => {
      const m = parseMigrationFile('-- Up migration\nSELECT 1;\n', FILE);
      assert.equal(m.upLine, 2);
      assert.equal(m.downLine, null);
    });

    for (const marker of ['-- Up migration', '-- UP MIGRATION', '--up migration', '--   Up   Migration  ', '   -- up migration']) {
      it(`accepts the up marker written as ${JSON.stringify(marker)}`, () => {
        const m = parseMigrationFile(`${marker}\nSELECT 1;\n-- DOWN MIGRATION\nSELECT 2;\n`, FILE);
        assert.equal(m.up, 'SELECT 1;');
        assert.equal(m.down, 'SELECT 2;\n');
      });
    }

    for (const marker of ['-- Down migration', '-- DOWN MIGRATION', '--down migration', '--dOwN   mIgRaTiOn']) {
      it(`accepts the down marker written as ${JSON.stringify(marker)}`, () => {
        const m = parseMigrationFile(`-- Up migration\nSELECT 1;\n${marker}\nSELECT 2;`, FILE);
        assert.equal(m.down, 'SELECT 2;');
        assert.equal(m.downLine, 4);
      });
    }

    it('does not treat a marker with extra words as a marker', () => {
      const m = parseMigrationFile('-- Up migration\nSELECT 1;\n-- Down migration is below\nSELECT 2;', FILE);
      assert.equal(m.down, null);
      assert.ok(m.up.includes('-- Down migration is below'));
    });

    it('strips a UTF-8 BOM and gives the same result as without it', () => {
      const withBom = parseMigrationFile(`\uFEFF${BASIC}`, FILE);
      const without = parseMigrationFile(BASIC, FILE);
      assert.deepEqual(withBom, without);
      assert.ok(!withBom.up.includes('\uFEFF'));
    });

    it('accepts a BOM directly before the up marker', () => {
      const m = parseMigrationFile('\uFEFF-- Up migration\nSELECT 1;', FILE);
      assert.equal(m.up, 'SELECT 1;');
      assert.equal(m.upLine, 2);
    });

    it('handles CRLF line endings: same sections, lines and checksum as LF', () => {
      const crlf = BASIC.replace(/\n/g, '\r\n');
      const a = parseMigrationFile(crlf, FILE);
      const b = parseMigrationFile(BASIC, FILE);
      assert.equal(a.checksum, b.checksum);
      assert.equal(a.up, b.up);
      assert.equal(a.down, b.down);
      assert.equal(a.upLine, b.upLine);
      assert.equal(a.downLine, b.downLine);
      assert.ok(!a.up.includes('\r'));
    });

    it('handles old Mac CR line endings', () => {
      const cr = BASIC.replace(/\n/g, '\r');
      const a = parseMigrationFile(cr, FILE);
      assert.equal(a.checksum, parseMigrationFile(BASIC, FILE).checksum);
      assert.equal(a.downLine, 6);
    });

    it('an empty down section gives down === "" and is not reversible', () => {
      const m = parseMigrationFile('-- Up migration\nSELECT 1;\n-- Down migration', FILE);
      assert.equal(m.down, '');
      assert.equal(m.downLine, 4);
      assert.equal(isReversible(m), false);
    });

    it('a down section with only comments and whitespace is not reversible', () => {
      const m = parseMigrationFile('-- Up migration\nSELECT 1;\n-- Down migration\n\n-- nothing to undo\n/* really */\n   \n', FILE);
      assert.notEqual(m.down, null);
      assert.equal(isReversible(m), false);
    });

    it('no down marker gives down === null, downLine null and is not reversible', () => {
      const m = parseMigrationFile('-- Up migration\nCREATE INDEX i ON t (a);\n', FILE);
      assert.equal(m.down, null);
      assert.equal(m.downLine, null);
      assert.equal(isReversible(m), false);
    });

    it('allows comments and blank lines (line and block comments) before the up marker', () => {
      const text = [
        '-- A header comment',
        '',
        '/* a block',
        '   comment spanning lines */',
        '-- another',
        '-- Up migration',
        'SELECT 1;',
      ].join('\n');
      const m = parseMigrationFile(text, FILE);
      assert.equal(m.up, 'SELECT 1;');
      assert.equal(m.upLine, 7);
    });

    it('uses baseName for version and name when given, and file for messages', () => {
      const m = parseMigrationFile('-- Up migration\nSELECT 1;', 'some/dir/whatever.txt', '042_add_x.sql');
      assert.equal(m.version, '042');
      assert.equal(m.name, 'add_x');
      assert.equal(m.file, 'some/dir/whatever.txt');
    });

    it('takes the base name from a Windows-style path', () => {
      const m = parseMigrationFile('-- Up migration\nSELECT 1;', 'C:\\proj\\migrations\\007_win.sql');
      assert.equal(m.version, '007');
      assert.equal(m.name, 'win');
    });
  });

  describe('directives', () => {
    it('reads "-- depends:" lists, repeatable, comma or space separated', () => {
      const text = [
        '-- depends: 001_a, 002_b',
        '-- depends: 3 004_d',
        '-- Up migration',
        'SELECT 1;',
      ].join('\n');
      const m = parseMigrationFile(text, 'migrations/005_e.sql');
      assert.deepEqual(m.depends, ['001_a', '002_b', '3', '004_d']);
    });

    it('directives are case-insensitive and tolerate spacing', () => {
      const m = parseMigrationFile('--DEPENDS :a\n--  Transaction:  NONE \n-- Environments:test\n-- Up migration\nSELECT 1;', FILE);
      assert.deepEqual(m.depends, ['a']);
      assert.equal(m.transactional, false);
      assert.deepEqual(m.environments, ['test']);
    });

    for (const v of ['none', 'false', 'off', 'NONE']) {
      it(`"-- transaction: ${v}" makes the migration non-transactional`, () => {
        const m = parseMigrationFile(`-- transaction: ${v}\n-- Up migration\nCREATE INDEX CONCURRENTLY i ON t (a);`, FILE);
        assert.equal(m.transactional, false);
      });
    }

    for (const v of ['single', 'true', 'on', 'default']) {
      it(`"-- transaction: ${v}" keeps the migration transactional`, () => {
        const m = parseMigrationFile(`-- transaction: ${v}\n-- Up migration\nSELECT 1;`, FILE);
        assert.equal(m.transactional, true);
      });
    }

    it('reads "-- environments: development, test"', () => {
      const m = parseMigrationFile('-- environments: development, test\n-- Up migration\nINSERT INTO t VALUES (1);', FILE);
      assert.deepEqual(m.environments, ['development', 'test']);
    });

    it('directive-looking comments after the up marker are ordinary comments', () => {
      const m = parseMigrationFile('-- Up migration\n-- transaction: maybe\n-- depends: x\nSELECT 1;', FILE);
      assert.equal(m.transactional, true);
      assert.deepEqual(m.depends, []);
      assert.ok(m.up.startsWith('-- transaction: maybe'));
    });

    it('a bad "-- transaction: maybe" is E_BAD_DIRECTIVE on its line', () => {
      const e = expectMigrationError(
        () => parseMigrationFile('-- header\n\n-- transaction: maybe\n-- Up migration\nSELECT 1;', FILE), 'E_BAD_DIRECTIVE');
      assert.equal(e.location.line, 3);
      assert.equal(e.location.file, FILE);
      assert.match(e.message, /transaction: maybe/);
      assert.match(e.hint, /transaction: none/);
    });

    it('an empty "-- depends:" is E_BAD_DIRECTIVE on its line', () => {
      const e = expectMigrationError(() => parseMigrationFile('-- depends:   \n-- Up migration\nSELECT 1;', FILE), 'E_BAD_DIRECTIVE');
      assert.equal(e.location.line, 1);
      assert.match(e.message, /depends/);
    });

    it('an empty "-- environments:" is E_BAD_DIRECTIVE on its line', () => {
      const e = expectMigrationError(() => parseMigrationFile('\n-- environments: ,\n-- Up migration\nSELECT 1;', FILE), 'E_BAD_DIRECTIVE');
      assert.equal(e.location.line, 2);
      assert.match(e.message, /environments/);
    });
  });

  describe('errors', () => {
    it('no up marker is E_MISSING_UP_MARKER', () => {
      const e = expectMigrationError(() => parseMigrationFile('-- just a comment\n\n', FILE), 'E_MISSING_UP_MARKER');
      assert.equal(e.location.line, 1);
      assert.equal(e.location.file, FILE);
      assert.match(e.message, /no "-- Up migration" marker/);
    });

    it('an empty file is E_MISSING_UP_MARKER', () => {
      expectMigrationError(() => parseMigrationFile('', FILE), 'E_MISSING_UP_MARKER');
    });

    it('SQL with no marker at all is E_MISSING_UP_MARKER at the line of the SQL', () => {
      const e = expectMigrationError(() => parseMigrationFile('-- comment\n\nCREATE TABLE t (id int);\n', FILE), 'E_MISSING_UP_MARKER');
      assert.equal(e.location.line, 3);
      assert.match(e.message, /no "-- Up migration" marker/);
    });

    it('SQL before the up marker is E_MISSING_UP_MARKER at the line of the SQL', () => {
      const text = ['-- header', '/* block', '   comment */', '', 'SELECT 1;', '-- Up migration', 'SELECT 2;'].join('\n');
      const e = expectMigrationError(() => parseMigrationFile(text, FILE), 'E_MISSING_UP_MARKER');
      assert.equal(e.location.line, 5);
      assert.match(e.message, /SQL appears before the "-- Up migration" marker/);
    });

    it('SQL before the up marker keeps its line number with CRLF endings and a BOM', () => {
      const text = '\uFEFF-- header\r\n\r\n  select 1;\r\n-- Up migration\r\nSELECT 2;';
      const e = expectMigrationError(() => parseMigrationFile(text, FILE), 'E_MISSING_UP_MARKER');
      assert.equal(e.location.line, 3);
    });

    it('a second up marker is E_DUPLICATE_MARKER on the second marker line, naming the first', () => {
      const e = expectMigrationError(
        () => parseMigrationFile('-- Up migration\nSELECT 1;\n-- up migration\nSELECT 2;', FILE), 'E_DUPLICATE_MARKER');
      assert.equal(e.location.line, 3);
      assert.match(e.message, /second "-- Up migration" marker/);
      assert.match(e.message, /line 1/);
    });

    it('a second down marker is E_DUPLICATE_MARKER on the second marker line', () => {
      const e = expectMigrationError(
        () => parseMigrationFile('-- Up migration\nSELECT 1;\n-- Down migration\nSELECT 2;\n-- Down migration\n', FILE), 'E_DUPLICATE_MARKER');
      assert.equal(e.location.line, 5);
      assert.match(e.message, /Down migration/);
      assert.match(e.message, /line 3/);
    });

    it('a down marker before any up marker is E_MARKER_ORDER on the down marker line', () => {
      const e = expectMigrationError(
        () => parseMigrationFile('-- comment\n-- Down migration\nDROP TABLE t;\n-- Up migration\nCREATE TABLE t (a int);', FILE), 'E_MARKER_ORDER');
      assert.equal(e.location.line, 2);
      assert.match(e.message, /"-- Down migration" appears before any "-- Up migration"/);
    });

    it('a down marker with no up marker at all is E_MARKER_ORDER', () => {
      const e = expectMigrationError(() => parseMigrationFile('-- Down migration\nDROP TABLE t;', FILE), 'E_MARKER_ORDER');
      assert.equal(e.location.line, 1);
    });

    for (const bad of ['create_table.sql', '001-create.sql', '001_.sql', '001_name.SQL', 'abc_name.sql', '001_name.sql.bak', '001__x.sql', '001_na me.sql']) {
      it(`file name ${JSON.stringify(bad)} is E_BAD_FILENAME`, () => {
        const e = expectMigrationError(() => parseMigrationFile('-- Up migration\nSELECT 1;', `migrations/${bad}`), 'E_BAD_FILENAME');
        assert.equal(e.location.file, `migrations/${bad}`);
        assert.ok(e.message.includes(bad), e.message);
      });
    }

    it('bad file names are checked before the content', () => {
      expectMigrationError(() => parseMigrationFile('garbage with no marker', 'bad.sql'), 'E_BAD_FILENAME');
    });

    it('errors carry the usage/config exit code and format as file:line: message', () => {
      const e = expectMigrationError(() => parseMigrationFile('-- transaction: maybe\n-- Up migration\n', FILE), 'E_BAD_DIRECTIVE');
      assert.equal(e.exitCode, 2);
      assert.ok(e.format().startsWith(`${FILE}:1: `), e.format());
      assert.match(e.format(), /\n {2}fix: /);
    });
  });
});

describe('parseMigrationFileName', () => {
  it('accepts digits, underscore, then letters, digits, _ and -', () => {
    assert.deepEqual(parseMigrationFileName('20240102030405_add-x_Y2.sql'), { version: '20240102030405', name: 'add-x_Y2' });
    assert.deepEqual(parseMigrationFileName('1_a.sql'), { version: '1', name: 'a' });
  });
});

describe('checksumSql', () => {
  it('ignores trailing whitespace and newlines', () => {
    assert.equal(checksumSql('SELECT 1;'), checksumSql('SELECT 1;\n\n  \t\n'));
    assert.equal(checksumSql('SELECT 1;'), checksumSql('SELECT 1;   '));
  });

  it('is the same for LF, CRLF and CR line endings', () => {
    const lf = 'CREATE TABLE t (\n  a int\n);';
    assert.equal(checksumSql(lf), checksumSql(lf.replace(/\n/g, '\r\n')));
    assert.equal(checksumSql(lf), checksumSql(lf.replace(/\n/g, '\r')));
  });

  it('changes when the SQL changes', () => {
    assert.notEqual(checksumSql('SELECT 1;'), checksumSql('SELECT 2;'));
    assert.notEqual(checksumSql('SELECT 1;'), checksumSql(' SELECT 1;'));
    assert.notEqual(checksumSql('a\nb'), checksumSql('a\n\nb'));
  });

  it('the file checksum covers the up section only, trailing blank lines excluded', () => {
    const a = parseMigrationFile('-- Up migration\nSELECT 1;\n-- Down migration\nSELECT 2;', FILE);
    const b = parseMigrationFile('-- Up migration\nSELECT 1;\n\n\n-- Down migration\nSELECT 3;', FILE);
    const c = parseMigrationFile('-- Up migration\nSELECT 10;\n-- Down migration\nSELECT 2;', FILE);
    assert.equal(a.checksum, b.checksum);
    assert.notEqual(a.checksum, c.checksum);
  });

  it('header comments do not change the checksum', () => {
    const a = parseMigrationFile('-- Up migration\nSELECT 1;', FILE);
    const b = parseMigrationFile('-- a new description\n-- Up migration\nSELECT 1;', FILE);
    assert.equal(a.checksum, b.checksum);
  });
});

describe('hasStatements / firstCodeOffset', () => {
  it('finds the first character outside whitespace and comments', () => {
    assert.equal(firstCodeOffset('  -- c\n/* x /* nested */ y */ SELECT'), 30);
    assert.equal(firstCodeOffset('-- only\n  '), -1);
    assert.equal(firstCodeOffset(''), -1);
    assert.equal(firstCodeOffset('/* unterminated'), -1);
    assert.equal(hasStatements('\n\t-- x\nSELECT 1'), true);
    assert.equal(hasStatements('/* a */ -- b'), false);
  });

  it('a "-" or "/" that does not start a comment is code', () => {
    assert.equal(firstCodeOffset('  -1'), 2);
    assert.equal(firstCodeOffset(' /'), 1);
  });
});

describe('compareVersions', () => {
  it('compares numerically, not as text', () => {
    assert.equal(compareVersions('9', '10'), -1);
    assert.equal(compareVersions('10', '9'), 1);
    assert.equal(compareVersions('009', '10'), -1);
    assert.equal(compareVersions('100', '99'), 1);
  });

  it('ignores zero padding', () => {
    assert.equal(compareVersions('001', '1'), 0);
    assert.equal(compareVersions('0001', '001'), 0);
  });

  it('handles timestamp-sized versions beyond Number precision', () => {
    assert.equal(compareVersions('20240102030405000001', '20240102030405000000'), 1);
    assert.equal(compareVersions('20240102030405', '999'), 1);
  });

  it('sorts a list numerically', () => {
    assert.deepEqual(['10', '2', '001', '0100', '20'].sort(compareVersions), ['001', '2', '10', '20', '0100']);
  });
});

describe('migrationId', () => {
  it('joins version and name', () => {
    assert.equal(migrationId({ version: '003', name: 'add_x' }), '003_add_x');
  });
});
