import { BACKENDS } from '../integration/harness';
import { secretsInConfigSequence, secretsSequence } from './secrets';

describe('reliability: secrets', function () {
  this.timeout(300000);
  for (const backend of BACKENDS) {
    it(`${backend}: no password in any output, history table, log or backup manifest; backup files are 0600`, async () => {
      await secretsSequence(backend);
    });
  }
  it('pglite project whose config file holds passwords of PostgreSQL environments: in no output, row, backup or log', async () => {
    await secretsInConfigSequence();
  });
});
