/** Drift and schema-dump reports, as both shells show them. */
import type { DriftItem, DriftReport } from '../shadow/drift';
import type { Style } from './style';

const LONG = 120;

function shorten(def: string | null): string {
  if (def === null) return '';
  const one = def.replace(/\s+/g, ' ').trim();
  return one.length > LONG ? `${one.slice(0, LONG - 1)}…` : one;
}

/** One line per difference: "removed table public.missions (expected: ...)". */
export function describeDrift(item: DriftItem): string {
  if (item.change === 'added') return `added   ${item.object}: ${shorten(item.actual)} (not made by any applied migration)`;
  if (item.change === 'removed') return `removed ${item.object}: expected ${shorten(item.expected)}`;
  return `changed ${item.object}: expected ${shorten(item.expected)}, found ${shorten(item.actual)}`;
}

export function renderDrift(report: DriftReport, style: Style): string {
  const lines = [
    `Schema of ${report.environment} (${report.database}) compared with the ${report.replayed} applied migration(s) replayed on the embedded PostgreSQL ${report.shadowVersion} (server: PostgreSQL ${report.serverVersion})`,
  ];
  for (const item of report.items) {
    const text = describeDrift(item);
    lines.push(`  ${item.change === 'added' ? style.yellow(text) : item.change === 'removed' ? style.red(text) : style.yellow(text)}`);
  }
  for (const note of report.notes) lines.push(style.dim(`  note: ${note}`));
  lines.push(driftSummary(report, style));
  return lines.join('\n');
}

export function driftSummary(report: DriftReport, style: Style): string {
  const ignored = report.ignored ? ` (${report.ignored} ignored by "shadow.ignore")` : '';
  if (!report.items.length) return style.green(`No schema drift: the database matches its applied migrations${ignored}.`);
  const counts = (['added', 'removed', 'changed'] as const).map((c) => [c, report.items.filter((i) => i.change === c).length] as const).filter(([, n]) => n > 0);
  return style.red(`Schema drift: ${counts.map(([c, n]) => `${n} ${c}`).join(', ')}${ignored}.`) +
    ' Write a migration for a change made by hand, undo it, or list the object in "shadow.ignore" in the config.';
}
