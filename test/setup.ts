/**
 * Mocha setup. A parallel run (npm test) starts the password-authenticated embedded
 * PostgreSQL once in the main process and hands its URL to the workers, which reuse it;
 * it is stopped after the whole run. Root hooks stop whatever a serial run started.
 */
import { shareEmbeddedServer, stopServers } from './integration/harness';

const inWorker = process.env['MOCHA_WORKER_ID'] !== undefined;

export async function mochaGlobalSetup(this: unknown): Promise<void> {
  if (process.env['DM_TEST_PARALLEL'] === '1') await shareEmbeddedServer();
}

export async function mochaGlobalTeardown(this: unknown): Promise<void> {
  await stopServers();
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60000);
    // In a parallel worker this runs after each file; the worker's projects go when it exits.
    if (!inWorker) await stopServers();
  },
};
