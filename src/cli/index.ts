import { runCli } from './main';

runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`internal error: ${String((err as Error)?.stack ?? err)}\n`);
    process.exitCode = 1;
  },
);
