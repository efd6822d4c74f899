/** Which extensions PGlite must load a module for: bundled contrib ones, never built-ins (a reopen per start). */
import assert from 'node:assert/strict';
import { isBundledExtension, needsModule, unavailableExtensions, unavailableExtensionsMessage } from '../../src/core/shadow/extensions';

describe('shadow: PGlite extensions', () => {
  it('plpgsql is built in: available, but no module to load (a data directory that has it must not be reopened)', () => {
    assert.equal(isBundledExtension('plpgsql'), true);
    assert.equal(needsModule('plpgsql'), false);
    assert.equal(needsModule('pg_trgm'), true);
    assert.equal(needsModule('uuid-ossp'), true);
  });

  it('names what PGlite lacks, once each and sorted, with the fix', () => {
    assert.deepEqual(unavailableExtensions(['postgis', 'pg_trgm', 'timescaledb', 'postgis']), ['postgis', 'timescaledb']);
    const msg = unavailableExtensionsMessage(['postgis'], 'migrations/001_geo.sql');
    assert.match(msg, /^migrations\/001_geo\.sql creates the extension "postgis", which the embedded PostgreSQL \(PGlite\) does not ship\./);
    assert.match(msg, /"shadow\.skipExtensions"/);
  });
});
