/** Root hooks: stop the throwaway PostgreSQL server (if one was started) after the whole run. */
import { stopServers } from './integration/harness';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60000);
    await stopServers();
  },
};
