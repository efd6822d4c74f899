import assert from 'node:assert/strict';
import { makeProject, migration, type TestProject } from './harness';

/** .env in the project folder and --env-file: DATABASE_URL and ${env:VAR} for the CLI, never over set variables, never printed. */
describe('.env and --env-file (CLI)', function () {
  this.timeout(120000);
  const projects: TestProject[] = [];
  const make = async (...args: Parameters<typeof makeProject>) => { const p = await makeProject(...args); projects.push(p); return p; };
  afterEach(async () => { while (projects.length) await projects.pop()!.cleanup(); });

  const FILES = { 'migrations/001_create_rovers.sql': migration('CREATE TABLE rovers (id bigint PRIMARY KEY, name text NOT NULL);', 'DROP TABLE rovers;') };
  const roversOn = async (server: TestProject) => (await server.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'rovers'`))[0]!.n;

  it('DATABASE_URL from the project\'s .env chooses the database (over the embedded default)', async () => {
    const server = await make('postgres', {});
    const p = await make('pglite', FILES);
    p.write('.env', `# the team's local database\nDATABASE_URL=${server.url}\n`);
    const r = await p.cli(['--up', '--no-backup']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await roversOn(server), 1);
    assert.equal((await p.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'rovers'`))[0]!.n, 0, 'the embedded database was not touched');
  });

  it('a variable already set in the environment wins over .env', async () => {
    const server = await make('postgres', {});
    const p = await make('pglite', FILES, { environments: { test: { url: '${env:ROVER_DB_URL}' } } });
    p.write('.env', 'ROVER_DB_URL=postgres://nobody@127.0.0.1:1/not_this_one\n');
    const r = await p.cli(['--up', '--no-backup'], { ROVER_DB_URL: server.url! });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await roversOn(server), 1);
  });

  it('${env:VAR} in the config comes from .env; malformed lines around it are skipped as dotenv does', async () => {
    const server = await make('postgres', {});
    const p = await make('pglite', FILES, { environments: { test: { url: '${env:ROVER_DB_URL}' } } });
    p.write('.env', `this line is not an assignment\n=no name\nROVER_DB_URL="${server.url}"\n`);
    const r = await p.cli(['--up', '--no-backup']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await roversOn(server), 1);
  });

  it('--env-file reads the named file instead of .env; a missing one is exit 2 naming it', async () => {
    const server = await make('postgres', {});
    const p = await make('pglite', FILES);
    p.write('.env', 'DATABASE_URL=postgres://nobody@127.0.0.1:1/not_this_one\n');
    p.write('config/ci.env', `DATABASE_URL=${server.url}\n`);
    const r = await p.cli(['--up', '--no-backup', '--env-file', 'config/ci.env']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await roversOn(server), 1);
    const missing = await p.cli(['--status', '--env-file', 'config/nope.env']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /env file not found: .*config[/\\]nope\.env\n  fix: check the --env-file path/);
  });

  it('never prints a password from .env, in text or JSON, when the connection fails', async () => {
    const p = await make('pglite', FILES);
    p.write('.env', 'DATABASE_URL=postgres://rover:pw-from-dotenv-2718@127.0.0.1:1/portal\nAPI_TOKEN=token-from-dotenv-1618\n');
    const text = await p.cli(['--status']);
    assert.equal(text.code, 5, text.stderr);
    assert.match(text.stderr, /postgres:\/\/rover:\*\*\*@127\.0\.0\.1:1\/portal/);
    const json = await p.cli(['--status', '--json']);
    assert.equal(json.code, 5);
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) {
      assert.ok(!out.includes('pw-from-dotenv-2718') && !out.includes('token-from-dotenv-1618'), `a secret was printed: ${out}`);
    }
  });
});
