import { BACKENDS } from '../integration/harness';
import { recordPart } from './results';
import { secretsInConfigSequence, secretsSequence } from './secrets';

describe('reliability: secrets', function () {
  this.timeout(300000);
  for (const backend of BACKENDS) {
    it(`${backend}: no password in any output, history table, log or backup manifest; backup files are 0600`, async () => {
      await recordPart('secrets', backend,
        'every kind of command (status, up, failing up, json, history, seed, dry run, down, backup, backups, verify, graph, lint, refusals) with backups on against a database whose URL has a password: the password in no output, history/log/seeds row or backup manifest; backup files 0600',
        1, async () => { await secretsSequence(backend); return { trialsPassed: 1, figures: {} }; });
    });
  }
  it('pglite project whose config file holds passwords of PostgreSQL environments: in no output, row, backup or log', async () => {
    await recordPart('secrets in config', 'pglite',
      'a PGlite project whose config file carries passwords of PostgreSQL environments (user-info and ?password= forms, one unreachable): 28 commands across them; the passwords in no output, no row of either database, no file under .migrations',
      1, async () => { await secretsInConfigSequence(); return { trialsPassed: 1, figures: {} }; });
  });
});
