/** Where the CLI writes, and the terminal style core's reports are drawn with. */
import pc from 'picocolors';
import type TableType from 'cli-table3';
import { plainTable, type Style } from '../core/report';

/** Where the CLI writes; a seam so tests can run the CLI in-process. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** True on an interactive terminal: colours and box tables. Piped output stays plain. */
  tty: boolean;
  /** stderr is an interactive terminal: progress is drawn as a bar (with errRaw). */
  errTty?: boolean;
  /** Writes to stderr as is (no newline added): for a progress bar redrawn with a carriage return. */
  errRaw?(text: string): void;
}

/**
 * The process's stdout and stderr. A stream whose reader went away (`database-migration --up | head -1`: EPIPE) or
 * that fails otherwise is closed quietly: nothing more is written to it, and the run goes on to its end and its own
 * exit code — a closed pipe must never abort a migration half-way (a "-- transaction: none" one would stay dirty).
 */
export function processOutput(): Output {
  return {
    out: guardedWriter(process.stdout),
    err: guardedWriter(process.stderr),
    tty: !!process.stdout.isTTY && !process.env['NO_COLOR'],
    errTty: !!process.stderr.isTTY,
    errRaw: (t) => { if (!broken.has(process.stderr) && !process.stderr.destroyed) process.stderr.write(t); },
  };
}

const broken = new WeakSet<NodeJS.WriteStream>();
const guarded = new WeakSet<NodeJS.WriteStream>();

/** Writes lines to `stream` until it fails once; its 'error' events (EPIPE) are swallowed instead of crashing the process. */
export function guardedWriter(stream: NodeJS.WriteStream): (text: string) => void {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on('error', () => { broken.add(stream); });
  }
  return (t) => {
    if (broken.has(stream) || stream.destroyed) return;
    try {
      stream.write(t.endsWith('\n') ? t : `${t}\n`);
    } catch {
      broken.add(stream);
    }
  };
}

const plain = (s: string): string => s;

/** Colours and box tables on an interactive terminal; plain text and two-space columns when piped. */
export function terminalStyle(tty: boolean): Style {
  const on = tty && pc.isColorSupported;
  return {
    green: on ? pc.green : plain,
    yellow: on ? pc.yellow : plain,
    red: on ? pc.red : plain,
    cyan: on ? pc.cyan : plain,
    dim: on ? pc.dim : plain,
    bold: on ? pc.bold : plain,
    table: tty ? (head, rows) => boxTable(head, rows, on) : plainTable,
  };
}

function boxTable(head: string[], rows: string[][], coloured: boolean): string {
  // Loaded when a box table is drawn (a terminal only): piped and JSON output never pay for it.
  const Table = require('cli-table3') as typeof TableType;
  const table = new Table({ head: head.map((h) => (coloured ? pc.bold(h) : h)), style: { head: [], border: [] } });
  for (const r of rows) table.push(r);
  return table.toString();
}
