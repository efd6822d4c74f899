import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { clientConnection, TailBuffer } from '../../src/core/db/client-tools';
import { filterToc } from '../../src/core/db/pg-restore';

describe('client programs: connection without secrets on the command line', () => {
  for (const [form, url] of [
    ['user-info', 'postgres://ops:s3cr%40t@db.example:5432/portal?sslmode=require'],
    ['?password=', 'postgres://ops@db.example:5432/portal?sslmode=require&password=s3cr%40t'],
    ['?PASSWORD= (any case)', 'postgres://ops@db.example:5432/portal?PASSWORD=s3cr%40t&sslmode=require'],
  ] as const) {
    it(`${form}: --dbname carries no password, PGPASSWORD does`, () => {
      const c = clientConnection(url, {}, '/', 'backup');
      try {
        assert.doesNotMatch(c.dbname, /s3cr|password/i);
        assert.match(c.dbname, /^postgres:\/\/ops@db\.example:5432\/portal\?sslmode=require$/);
        assert.equal(c.env['PGPASSWORD'], 's3cr@t');
        assert.equal(c.env['PGSERVICEFILE'], undefined);
      } finally {
        c.cleanup();
      }
    });
  }

  it('?sslpassword= goes to a private service file, removed by cleanup(); an inherited PGPASSWORD still applies', () => {
    const saved = process.env['PGPASSWORD'];
    process.env['PGPASSWORD'] = 'from-env';
    let c: ReturnType<typeof clientConnection>;
    try {
      c = clientConnection('postgres://ops@db.example/portal?sslpassword=key-pass&sslkey=%2Fk.pem', {}, '/', 'restore');
    } finally {
      if (saved === undefined) delete process.env['PGPASSWORD'];
      else process.env['PGPASSWORD'] = saved;
    }
    const file = c.env['PGSERVICEFILE']!;
    assert.doesNotMatch(c.dbname, /key-pass|sslpassword/);
    assert.match(c.dbname, /sslkey=/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, 'utf8'), '[database_migration]\nsslpassword=key-pass\n');
    assert.equal(c.env['PGSERVICE'], 'database_migration');
    assert.equal(c.env['PGPASSWORD'], 'from-env', 'a password from the environment is passed on');
    c.cleanup();
    assert.ok(!fs.existsSync(file));
  });

  it('keeps only the tail of a long stderr', () => {
    const t = new TailBuffer(10);
    for (let i = 0; i < 1000; i++) t.push(Buffer.from(`line ${i}\n`));
    assert.equal(t.text(), '\nline 999\n');
  });
});

describe('restore: table of contents filter', () => {
  const toc = [
    '7; 2615 16504 SCHEMA - ext postgres',
    '2; 3079 16394 EXTENSION - citext ',
    '3439; 0 0 COMMENT - EXTENSION citext ',
    '3; 3079 16395 EXTENSION - pg_trgm ',
    '3440; 0 0 COMMENT - EXTENSION pg_trgm ',
    '216; 1259 16499 TABLE public t postgres',
  ].join('\n');

  it('drops CREATE/COMMENT of installed extensions and the schema holding one, keeps the rest', () => {
    const r = filterToc(toc, new Map([['citext', 'ext']]));
    assert.deepEqual(r.extensions, ['citext', 'pg_trgm']);
    assert.deepEqual(r.list.split('\n'), [
      '3; 3079 16395 EXTENSION - pg_trgm ',
      '3440; 0 0 COMMENT - EXTENSION pg_trgm ',
      '216; 1259 16499 TABLE public t postgres',
    ]);
  });
});
