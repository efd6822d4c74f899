/**
 * Writing the caches under `.migrations/` (lint results, status listings): best effort and atomic. The JSON goes to a
 * temporary file renamed over the cache, so a reader never sees half a file; any failure (read-only directory, full
 * disk) leaves the old cache in place and is not an error, since a cache is only an optimisation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Writes `data` as JSON to `file` atomically; true when it was written. Never throws. */
export function writeCacheFile(file: string, data: unknown): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, file);
    return true;
  } catch {
    try { fs.rmSync(tmp, { force: true }); } catch { /* nothing left to clean */ }
    return false;
  }
}
