/** One line per engine event, for the CLI's terminal and the editor's output channel alike. */
import type { EngineEvent } from '../events';
import { formatBytes, formatDuration } from './format';
import { describeDates } from './results';
import { PLAIN_STYLE, type Style } from './style';

export interface EventLine {
  /** Warnings go to stderr in the CLI, so piped stdout holds only the run's own report. */
  stream: 'out' | 'err';
  text: string;
}

export interface EventOptions {
  /** Also a line when a migration starts: a log read live shows what is running now (the terminal waits for "done"). */
  starts?: boolean;
}

const arrow = (direction: 'up' | 'down'): string => (direction === 'up' ? '↑' : '↓');

/** The line an event shows, or null for events not worth one (progress ticks, and starts unless asked for). */
export function renderEvent(event: EngineEvent, style: Style, options: EventOptions = {}): EventLine | null {
  const out = (text: string): EventLine => ({ stream: 'out', text });
  const err = (text: string): EventLine => ({ stream: 'err', text });
  switch (event.type) {
    case 'lock-wait': return err(style.yellow(`… ${event.message}`));
    case 'migration-start': return options.starts ? out(`  ${arrow(event.direction)} ${event.id} …`) : null;
    case 'migration-done': return out(`  ${arrow(event.direction)} ${event.id} ${style.dim(formatDuration(event.durationMs))}`);
    case 'seed-done': return out(`  • ${event.file} ${style.dim(formatDuration(event.durationMs))}`);
    case 'statement-done': return out(`      line ${event.line} done ${style.dim(formatDuration(event.durationMs))}`);
    case 'backup-done': return out(`  ⛁ backup ${event.entry.id} ${style.dim(`${formatBytes(event.entry.sizeBytes)}, ${event.entry.tool}`)}`);
    case 'backup-skipped': return err(style.yellow(`  ! no backup taken (${event.reason})`));
    case 'data-stale': return err(`${style.yellow('warning:')} ${event.dir}: the sample data was last checked against its sources more than a year ago `
      + `(as of ${describeDates(event.files)}); statuses of missions, spacecraft and people may have changed since.\n`
      + '  fix: check the records against their cited sources, correct what changed, and set "as_of" in each file to the date you checked it');
    case 'warning': return err(`${style.yellow('warning:')} ${event.file}${event.line ? `:${event.line}` : ''}: ${event.message}\n  fix: ${event.hint}`);
    default: return null;
  }
}

/** The plain line an event adds to a log (the editor's output channel), migration starts included. */
export function renderEventForLog(event: EngineEvent): string | null {
  return renderEvent(event, PLAIN_STYLE, { starts: true })?.text ?? null;
}

/**
 * The progress line a long run shows while it works ("Applying 002_create_missions (2 of 5)", "Seeding observations:
 * 40,000 of 100,000 rows"), or null for events that do not move it.
 */
export function renderProgress(event: EngineEvent): { message: string } | null {
  const n = (x: number) => x.toLocaleString('en-US');
  switch (event.type) {
    case 'migration-start': {
      const verb = event.direction === 'up' ? 'Applying' : 'Rolling back';
      const of = event.index && event.total ? ` (${event.index} of ${event.total})` : '';
      return { message: `${verb} ${event.id}${of}` };
    }
    case 'seed-done': return { message: `Seeded ${event.file}` };
    case 'seed-progress': return { message: `Seeding ${event.table}: ${n(event.rows)} of ${n(event.total)} rows` };
    case 'backup-done': return { message: `Backup ${event.entry.id} taken (${formatBytes(event.entry.sizeBytes)})` };
    case 'lock-wait': return { message: event.message };
    default: return null;
  }
}
