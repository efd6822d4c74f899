/** The reports of --import-history and --convert. */
import type { ConvertResult } from '../import/convert';
import type { ImportedMigration, ImportResult } from '../import/import-history';
import { formatDuration, formatTimestamp, plural } from './format';
import type { Style } from './style';

const IMPORT_HEAD = ['version', 'name', 'state', 'applied at', 'duration', 'note'];

function importRows(list: ImportedMigration[], style: Style): string[][] {
  return list.map((m) => [m.version, m.name, m.state === 'applied' ? style.green(m.state) : m.state === 'outdated' ? style.yellow(m.state) : style.red(m.state),
    formatTimestamp(m.appliedAt ? new Date(m.appliedAt) : null), formatDuration(m.durationMs), m.reason ?? '']);
}

/** What --import-history recorded (or would record, or found recorded), and what needs a person's attention. */
export function renderImport(r: ImportResult, where: string, style: Style): string {
  const from = `${r.tool} (${r.table})`;
  const lines: string[] = [];
  if (r.dryRun) {
    lines.push(r.recorded.length === 0
      ? `Dry run on ${where}: nothing to import from ${from}${r.alreadyRecorded.length ? `; its ${plural(r.alreadyRecorded.length, 'migration')} are already recorded` : ''}.`
      : `Dry run on ${where}: would record ${plural(r.recorded.length, 'migration')} from ${from}; nothing was recorded.`);
  } else if (r.recorded.length === 0) {
    lines.push(r.alreadyRecorded.length === 0
      ? `Nothing to import: ${from} records no applied migrations.`
      : `Nothing to import: the ${plural(r.alreadyRecorded.length, 'migration')} ${from} applied ${r.alreadyRecorded.length === 1 ? 'is' : 'are'} already recorded on ${where}.`);
  } else {
    lines.push(style.green(`Imported ${plural(r.recorded.length, 'migration')} from ${from} into the history of ${where} as batch ${r.batch}; ${r.table} was left untouched.`));
    if (r.alreadyRecorded.length) lines.push(`${plural(r.alreadyRecorded.length, 'migration')} ${r.alreadyRecorded.length === 1 ? 'was' : 'were'} already recorded.`);
  }
  if (r.recorded.length > 0) lines.push(style.table(IMPORT_HEAD, importRows(r.recorded, style)));
  lines.push(...attention(r.recorded, r.tool, style));
  return lines.join('\n');
}

function attention(list: ImportedMigration[], tool: string, style: Style): string[] {
  const out: string[] = [];
  const missing = list.filter((m) => m.state === 'missing' || (m.file === null && m.state === 'dirty'));
  if (missing.length) out.push(style.yellow(`${plural(missing.length, 'migration')} ${tool} applied ${missing.length === 1 ? 'has' : 'have'} no file here and ${missing.length === 1 ? 'is' : 'are'} recorded so --status shows ${missing.length === 1 ? 'it' : 'them'} missing: ${missing.map((m) => m.id).join(', ')}.`));
  const modified = list.filter((m) => m.state === 'modified');
  if (modified.length) out.push(style.yellow(`${plural(modified.length, 'file')} changed since ${tool} applied ${modified.length === 1 ? 'it' : 'them'} (--status shows modified): ${modified.map((m) => m.id).join(', ')}.`));
  const outdated = list.filter((m) => m.state === 'outdated');
  if (outdated.length) out.push(`${plural(outdated.length, 'repeatable migration')} changed since ${tool} last applied ${outdated.length === 1 ? 'it' : 'them'}: --up applies ${outdated.length === 1 ? 'it' : 'them'} again: ${outdated.map((m) => m.id).join(', ')}.`);
  for (const m of list.filter((x) => x.state === 'dirty')) {
    out.push(style.red(`${m.id} is dirty: ${m.reason}. Check the database, then run --mark-applied ${m.id} or --mark-rolled-back ${m.id}.`));
  }
  return out;
}

/** What --convert --to native wrote. */
export function renderConvert(r: ConvertResult, style: Style): string {
  const lines = [style.green(`Converted ${plural(r.files.length, 'migration')} (${r.format}) to native files in ${r.outDir}; the originals are untouched.`)];
  if (r.files.length) lines.push(style.table(['migration', 'from', 'to'], r.files.map((f) => [f.id, f.from.join(', '), f.to])));
  for (const n of r.notes) lines.push(style.yellow(`Note: ${n}`));
  lines.push(`To use them: set "migrationsDir": "${r.outDir}" (and "format": "native", or remove "format") in database-migration.config.json; --status then shows the same checksums as before.`);
  return lines.join('\n');
}
