import { BACKENDS } from '../integration/harness';
import { secretsSequence } from './secrets';

describe('reliability: secrets', function () {
  this.timeout(300000);
  for (const backend of BACKENDS) {
    it(`${backend}: no password in any output, history table, log or backup manifest; backup files are 0600`, async () => {
      await secretsSequence(backend);
    });
  }
});
