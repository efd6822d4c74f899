/**
 * Shows the engine's progress events (--seed --scale) on stderr, never on stdout: a bar redrawn in place when
 * stderr is a terminal, otherwise a plain line every few seconds and one when a table is done. With --json only
 * a terminal gets the bar, so captured stderr stays free of progress lines.
 */
import { renderProgressBar, renderProgressLine, type ProgressState, type Style } from '../core/report';
import type { Output } from './output';

export interface ProgressSink {
  update(p: ProgressState): void;
  /** Ends a bar that is still drawn (before the report is printed). */
  finish(): void;
}

const REDRAW_MS = 100;
const LINE_EVERY_MS = 2000;

export function progressSink(output: Output, style: Style, options: { json: boolean; now?: () => number }): ProgressSink {
  const now = options.now ?? Date.now;
  const terminal = !!output.errTty && !!output.errRaw;
  let drawn = false;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLine = now();
  if (terminal) {
    return {
      update(p) {
        const done = p.rows >= p.total;
        if (!done && now() - lastDraw < REDRAW_MS) return;
        lastDraw = now();
        output.errRaw!(`\r\x1b[2K${renderProgressBar(p, style)}${done ? '\n' : ''}`);
        drawn = !done;
      },
      finish() {
        if (drawn) output.errRaw!('\n');
        drawn = false;
      },
    };
  }
  return {
    update(p) {
      if (options.json) return;
      const done = p.rows >= p.total;
      if (!done && now() - lastLine < LINE_EVERY_MS) return;
      lastLine = now();
      output.err(renderProgressLine(p));
    },
    finish() {},
  };
}
