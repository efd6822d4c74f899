/**
 * Starts the language server on this process: over stdio (`database-migration --lsp`, or a client that passes
 * `--stdio`), or over the transport a client names on the command line (`--node-ipc`, `--socket=N`, `--pipe=NAME`,
 * as vscode-languageclient does for the bundled dist/lsp-server.js). Nothing but the protocol is written to stdout.
 */
import { format } from 'node:util';
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { startServer } from './server';

/** console.* to stderr: over stdio, stdout carries the protocol and nothing else. */
function consoleToStderr(): void {
  const write = (...args: unknown[]) => { process.stderr.write(`${format(...args)}\n`); };
  console.log = write;
  console.info = write;
  console.debug = write;
  console.warn = write;
  console.error = write;
  console.trace = write;
  console.dir = (obj: unknown) => write(obj);
}

/** Does the command line name a transport vscode-languageserver picks up itself? */
export function namesTransport(argv: string[]): boolean {
  return argv.some((a) => a === '--node-ipc' || a === '--stdio' || a === '--socket' || a === '--pipe' || a.startsWith('--socket=') || a.startsWith('--pipe='));
}

export function runLanguageServer(argv: string[] = process.argv.slice(2)): Connection {
  consoleToStderr();
  const connection = namesTransport(argv)
    ? createConnection(ProposedFeatures.all)
    : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  // A bug in a handler is logged; the server keeps serving the other requests.
  const log = (what: string) => (err: unknown) => {
    try {
      connection.console.error(`${what}: ${String((err as Error)?.stack ?? err)}`);
    } catch {
      process.stderr.write(`${what}: ${String((err as Error)?.stack ?? err)}\n`);
    }
  };
  process.on('uncaughtException', log('uncaught exception'));
  process.on('unhandledRejection', log('unhandled rejection'));
  startServer(connection);
  return connection;
}
