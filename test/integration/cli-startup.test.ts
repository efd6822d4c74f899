import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeProject, migration, type TestProject } from './harness';

/**
 * Start-up work of the CLI process (issue 13), checked by what it does, not by how long it takes: the
 * WebAssembly modules are compiled with the baseline compiler only (set before the first one is compiled).
 */
describe('CLI start-up (issue 13)', function () {
  this.timeout(120000);
  let p: TestProject | undefined;
  let preloadDir: string | undefined;
  afterEach(async () => {
    await p?.cleanup();
    if (preloadDir) fs.rmSync(preloadDir, { recursive: true, force: true });
  });

  it('sets --liftoff-only before the first WebAssembly module is compiled (here the SQL parser, for --lint)', async () => {
    // --lint needs no database; PGlite is compiled the same way, later in the same process (on first use).
    p = await makeProject('postgres', { 'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY);', 'DROP TABLE agencies;') });
    const { log, preload } = recorder();
    const r = await p.spawnCli(['--lint', '--format', 'json'], { NODE_OPTIONS: `--require ${preload}` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { summary: { files: number } }).summary.files, 1, r.stdout.slice(0, 200));
    const events = JSON.parse(fs.readFileSync(log, 'utf8')) as string[];
    const flag = events.indexOf('flags --liftoff-only');
    const firstWasm = events.findIndex((e) => e.startsWith('wasm '));
    assert.ok(flag >= 0, `--liftoff-only was not set: ${JSON.stringify(events)}`);
    assert.ok(firstWasm > flag, `the parser's WebAssembly must be compiled after the flag is set: ${JSON.stringify(events)}`);
  });

  it('--seed --scale (a long run, where optimised WebAssembly pays off) keeps V8\'s default compiler', async () => {
    p = await makeProject('postgres', {});
    const { log, preload } = recorder();
    // --scale without --seed is refused before anything opens: enough to see which flags the process set.
    const r = await p.spawnCli(['--scale', '10'], { NODE_OPTIONS: `--require ${preload}` });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(log, 'utf8')), []);
  });

  it('connects without loading undici (pg\'s Cloudflare Workers probe on Node 20) and leaves no global navigator behind', async () => {
    p = await makeProject('postgres', { 'migrations/001_create_agencies.sql': migration('CREATE TABLE agencies (id bigint PRIMARY KEY);', 'DROP TABLE agencies;') });
    preloadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-startup-'));
    const log = path.join(preloadDir, 'modules.json');
    const preload = path.join(preloadDir, 'modules.js');
    fs.writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)},
      JSON.stringify({ modules: process.moduleLoadList, navigator: typeof globalThis.navigator, pg: Object.keys(require.cache).some((f) => /[\\/]node_modules[\\/]pg[\\/]/.test(f)) })));`);
    const r = await p.spawnCli(['--up', '--no-backup'], { NODE_OPTIONS: `--require ${preload}` });
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(fs.readFileSync(log, 'utf8')) as { modules: string[]; navigator: string; pg: boolean };
    assert.ok(seen.pg, 'the run should have loaded pg');
    assert.deepEqual(seen.modules.filter((m) => /undici/.test(m)), [], 'undici was loaded');
    assert.equal(seen.navigator, process.versions.node.split('.')[0] === '20' ? 'undefined' : 'object');
  });

  /** A preload that records, in order, V8 flag changes and every WebAssembly compilation of the CLI process. */
  function recorder(): { log: string; preload: string } {
    preloadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-startup-'));
    const log = path.join(preloadDir, 'events.json');
    const preload = path.join(preloadDir, 'record.js');
    fs.writeFileSync(preload, `
      const v8 = require('node:v8'); const fs = require('node:fs');
      const events = [];
      const setFlags = v8.setFlagsFromString;
      v8.setFlagsFromString = function (flags) { events.push('flags ' + flags); return setFlags.call(this, flags); };
      for (const name of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming']) {
        const orig = WebAssembly[name];
        if (orig) WebAssembly[name] = function (...args) { events.push('wasm ' + name); return orig.apply(this, args); };
      }
      process.on('exit', () => fs.writeFileSync(${JSON.stringify(log)}, JSON.stringify(events)));`);
    return { log, preload };
  }
});
