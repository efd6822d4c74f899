/** Partitioned tables and what --partitions maintain did to them (and left alone, and why). */
import type { PartitionedTable } from '../maintenance';
import type { PartitionChange, PartitionMaintenance, PartitionNote } from '../partition-maintain';
import { plural } from './format';
import type { Style } from './style';

export function renderPartitions(tables: PartitionedTable[], style: Style): string {
  if (tables.length === 0) return 'No partitioned tables.';
  return tables.map((t) => [
    `${style.bold(t.table)} ${style.dim(`partitioned by ${t.strategy} ${t.key}${t.managedBy ? `, managed by ${t.managedBy}` : ''}`)}`,
    style.table(['partition', 'bounds', 'rows (estimate)'], t.partitions.map((p) => [p.name, p.bound, p.rows === null ? '' : String(p.rows)])),
  ].join('\n')).join('\n');
}

function describeChange(ch: PartitionChange, style: Style): string {
  let line = `  ${ch.action} ${ch.partition} ${style.dim(`(${ch.table}: ${ch.bound})`)}`;
  if (ch.rowsMoved) line += ` — moved ${plural(ch.rowsMoved, 'row')} out of ${ch.movedFrom} (the table was locked while they moved)`;
  if (ch.backup) line += ` — saved first to ${ch.backup} (psql -f restores it)`;
  return line;
}

export function describePartitionNote(n: PartitionNote): string {
  switch (n.kind) {
    case 'overlap':
      return `${n.table}: month ${n.month} not created as ${n.partition}: it overlaps ${n.existing.join(', ')}, whose bounds are not whole months in this time zone (set "timeZone" for the table under "partitions")`;
    case 'partman-managed':
      return `${n.table} is managed by pg_partman ${n.version}: skipped (run partman's run_maintenance(), or remove the table from "partitions")`;
    case 'partman-available':
      return `pg_partman ${n.version} is installed: tables it manages are skipped; to hand ${n.table} over to it run: ${n.handover} and remove it from "partitions"`;
  }
}

/** Accepts the bare list of changes too (no notes). */
export function renderPartitionChanges(result: PartitionMaintenance | PartitionChange[], style: Style): string {
  const { changes, notes } = Array.isArray(result) ? { changes: result, notes: [] } : result;
  const lines = changes.length === 0 ? ['Partitions are already in shape.'] : changes.map((ch) => describeChange(ch, style));
  for (const n of notes) lines.push(style.yellow(`Note: ${describePartitionNote(n)}`));
  return lines.join('\n');
}
