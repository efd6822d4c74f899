/** Our own format: NNN_name.sql (and R_name.sql, repeatable) with "-- Up migration" / "-- Down migration" sections. */
import * as path from 'node:path';
import { parseMigrationFile } from '../migration-file';
import { readMigrationDir } from './read-dir';
import type { FormatOptions, FormatRead, MigrationFormat } from './types';

const NATIVE_NAME = /^(\d+(?:\.\d+)*|R)_[A-Za-z0-9][A-Za-z0-9_-]*\.sql$/;

export const nativeFormat: MigrationFormat = {
  name: 'native',
  detect(names) {
    // Native files are the fallback: any NNN_name.sql counts a little, so a directory of other files still says "native".
    return names.some((n) => NATIVE_NAME.test(n)) ? 1 : 0;
  },
  read(dir: string, options: FormatOptions): FormatRead {
    const migrations = readMigrationDir(dir, options).map(({ name, file, text }) => parseMigrationFile(text, file, name));
    return { migrations, warnings: [] };
  },
  parseText(text, file, baseName) {
    return parseMigrationFile(text, file, baseName ?? path.basename(file));
  },
};
