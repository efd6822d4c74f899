// npm test: unit and integration tests in parallel workers (they wait mostly on PostgreSQL and
// child processes). The global setup in test/setup.ts starts the embedded PostgreSQL once for all
// workers when DM_TEST_PARALLEL is set. Runs with --no-config (single files, e2e, the long
// reliability suite) are serial and start it only if a test needs it. DM_TEST_SERIAL=1 runs npm test serially.
process.env.DM_TEST_PARALLEL = process.env.DM_TEST_SERIAL === '1' ? '0' : '1';
module.exports = {
  spec: ['out/test/unit/**/*.test.js', 'out/test/integration/**/*.test.js'],
  parallel: process.env.DM_TEST_SERIAL !== '1',
  jobs: 3,
  timeout: 60000,
  reporter: 'spec',
  'enable-source-maps': true,
  exit: true,
  require: ['out/test/setup.js'],
};
