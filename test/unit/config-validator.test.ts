import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configSchemaPath, loadConfig } from '../../src/core/config';
import { compileSchema, configValidator, loadPrecompiled, PRECOMPILED_VALIDATOR, schemaSha256 } from '../../src/core/config-validator';
import { packageRoot } from '../../src/core/package-root';

/** Configs the schema accepts and rejects: every shape the config unit tests use, and more. */
const CONFIGS: unknown[] = [
  {},
  { migrationsDir: 'm', seedsDir: 's', numbering: 'timestamp', lockWaitMs: 5, allowOutOfOrder: true },
  { environments: { dev: {}, prod: { url: 'postgres://u@h/db', protected: true, pool: { max: 5 }, ssl: { rejectUnauthorized: true } } } },
  { history: { schema: 'ops', table: 'migrations' } },
  { lint: { postgresVersion: 15 } },
  { migrationDir: 'x' },
  { migrationsDir: 'm', lockWaitMs: 'x' },
  { environments: { dev: { pool: { max: 'ten' } } } },
  { numbering: 'random' },
  { environments: { 'bad name!': {} } },
  [1, 2],
  'text',
  null,
  { environments: { dev: { url: 5, unknownKey: true } }, extra: 1 },
  { history: { table: 7 } },
  { lockWaitMs: -1, slowStatementMs: 'slow', partitions: 3, sampleDataDir: [] },
  { lint: { rules: { 'no-such-rule': 'loud' } } },
];

describe('config validator (precompiled at build time)', () => {
  it('the build ships a precompiled validator for the current schema, and config loading uses it', () => {
    const file = path.join(packageRoot(), 'dist', PRECOMPILED_VALIDATOR);
    assert.ok(fs.existsSync(file), `${file} is missing: scripts/bundle.mjs writes it`);
    assert.equal(configValidator(configSchemaPath()).source, 'precompiled');
  });

  it('gives the same verdict and the same errors as the schema compiled at run time', () => {
    const schemaText = fs.readFileSync(configSchemaPath(), 'utf8');
    const pre = loadPrecompiled(path.join(packageRoot(), 'dist', PRECOMPILED_VALIDATOR), schemaSha256(schemaText));
    assert.ok(pre, 'precompiled validator not loaded');
    const compiled = compileSchema(JSON.parse(schemaText) as object);
    let invalid = 0;
    for (const config of CONFIGS) {
      const a = pre(config);
      const b = compiled(config);
      assert.equal(a, b, `verdict differs for ${JSON.stringify(config)}`);
      assert.deepEqual(pre.errors ?? null, compiled.errors ?? null, `errors differ for ${JSON.stringify(config)}`);
      if (!a) invalid++;
    }
    assert.ok(invalid >= 10, `expected most sample configs to be invalid, got ${invalid}`);
  });

  it('a precompiled file made from another schema, or a missing or broken one, is not used', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-validator-'));
    try {
      const stale = path.join(d, 'stale.js');
      fs.writeFileSync(stale, 'module.exports = () => true; module.exports.schemaSha256 = "0000";');
      assert.equal(loadPrecompiled(stale, schemaSha256('{}')), null);
      assert.equal(loadPrecompiled(path.join(d, 'missing.js'), schemaSha256('{}')), null);
      const broken = path.join(d, 'broken.js');
      fs.writeFileSync(broken, 'this is not javascript (');
      assert.equal(loadPrecompiled(broken, schemaSha256('{}')), null);
      const good = path.join(d, 'good.js');
      fs.writeFileSync(good, `module.exports = () => true; module.exports.schemaSha256 = ${JSON.stringify(schemaSha256('{}'))};`);
      assert.equal(typeof loadPrecompiled(good, schemaSha256('{}')), 'function');
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('loading a config (valid or not) does not load ajv itself', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-validator-'));
    try {
      fs.writeFileSync(path.join(d, 'database-migration.config.json'), JSON.stringify({ environments: { dev: {} }, lockWaitMs: 'x' }));
      const script = `
        const { loadConfig } = require(${JSON.stringify(require.resolve('../../src/core/config'))});
        let code = null;
        try { loadConfig({ cwd: ${JSON.stringify(d)} }); } catch (e) { code = e.code; }
        const ajv = Object.keys(require.cache).filter((k) => /[\\\\/]ajv[\\\\/]dist[\\\\/](ajv|core|compile)/.test(k));
        process.stdout.write(JSON.stringify({ code, ajv }));`;
      const r = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { code: string | null; ajv: string[] };
      assert.equal(r.code, 'E_CONFIG_INVALID');
      assert.deepEqual(r.ajv, []);
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });

  it('an invalid config is still refused with the key named (through the precompiled validator)', () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dbm-validator-'));
    try {
      fs.writeFileSync(path.join(d, 'database-migration.config.json'), '{\n  "numbering": "random"\n}');
      assert.throws(() => loadConfig({ cwd: d }), (e: Error & { code?: string }) => e.code === 'E_CONFIG_INVALID' && /numbering/.test(e.message));
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});
