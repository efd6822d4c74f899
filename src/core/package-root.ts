import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | null = null;

/** The installed package's root (where package.json, schema/ and migrations-templates/ live), from dist/ or out/ alike. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if ((JSON.parse(fs.readFileSync(pj, 'utf8')) as { name?: string }).name === 'database-migration') return (cached = dir);
      } catch { /* keep looking */ }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`database-migration: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
}

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
