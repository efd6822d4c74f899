import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSqlText, sqlEntriesIn } from '../discovery';
import type { FormatOptions } from './types';

export interface SqlFileText {
  /** The entry's name in the directory. */
  name: string;
  /** The path shown in messages (relative to the display root). */
  file: string;
  text: string;
}

/** The path of `full` as messages show it: relative to the display root when there is one. */
export function shownPath(full: string, options: FormatOptions): string {
  return options.displayRoot ? path.relative(options.displayRoot, full) || full : full;
}

/**
 * Every *.sql file of a migrations directory read as strict UTF-8 (what discovery.ts refuses is refused here
 * too), optionally only the names `keep` accepts. A missing directory reads as empty.
 */
export function readMigrationDir(dir: string, options: FormatOptions, keep: (name: string) => boolean = () => true): SqlFileText[] {
  if (!fs.existsSync(dir)) return [];
  const shown = (p: string) => shownPath(p, options);
  const out: SqlFileText[] = [];
  for (const e of sqlEntriesIn(dir, shown, 'migration')) {
    if (!keep(e.name)) continue;
    if (e.problem) throw e.problem;
    const full = path.join(dir, e.name);
    const file = shown(full);
    out.push({ name: e.name, file, text: readSqlText(full, file) });
  }
  return out;
}
