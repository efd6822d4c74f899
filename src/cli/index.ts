import { setFlagsFromString } from 'node:v8';
import { runCli } from './main';

const argv = process.argv.slice(2);

// Most CLI runs are short. The embedded database (PGlite) and the SQL parser are large WebAssembly modules: by
// default V8 recompiles their hot functions with its optimising compiler in background threads, which for a run
// of a few seconds costs more CPU than it saves and holds up the process exit until those compile jobs finish.
// The baseline compiler alone (Liftoff) halves the CPU time of an embedded-database command (--status, --up,
// --down, --seed). Generating many rows (--seed --scale) runs long enough for optimised code to pay off, so it
// keeps V8's default. Set before any WebAssembly is compiled (both modules are loaded on first use); the VS Code
// extension is not affected.
// The language server (--lsp) runs for hours: it keeps the default too.
if (!argv.some((a) => a === '--scale' || a.startsWith('--scale=') || a === '--lsp')) setFlagsFromString('--liftoff-only');

runCli(argv).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`internal error: ${String((err as Error)?.stack ?? err)}\n`);
    process.exitCode = 1;
  },
);
