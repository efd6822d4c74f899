/**
 * Keeping `.migrations/` (the embedded database, backups, caches) out of git (issue 17): whether a project inside a git
 * repository already ignores it, and the .gitignore text that does. No editor API, so mocha tests it.
 */
import * as path from 'node:path';

export const LOCAL_DIR = '.migrations';

/** The directory holding `.git` at or above `start`, or null outside a repository. */
export function repositoryRoot(start: string, exists: (p: string) => boolean): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (exists(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/**
 * True when a .gitignore's text ignores `<dir>/.migrations` where `dir` is the project's path relative to that
 * .gitignore's directory ('' for the same directory). Reads the usual forms: `.migrations`, `.migrations/`,
 * `/.migrations/`, `**\/.migrations`, `.migrations/*`, `.migrations/**`, and the same under the project's path; a later
 * `!` line that names it again un-ignores it.
 */
export function ignoresLocalDir(gitignore: string, dir: string): boolean {
  const rel = dir.split(path.sep).join('/').replace(/^\.\/?|\/$/g, '');
  const target = rel ? `${rel}/${LOCAL_DIR}` : LOCAL_DIR;
  let ignored = false;
  for (const raw of gitignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/(\/\*\*?)?\/?$/, '');
    const anchored = pattern.startsWith('/') || pattern.slice(0, -1).includes('/');
    const bare = pattern.replace(/^\//, '').replace(/^\*\*\//, '');
    const matches = bare === target || (!anchored && bare === LOCAL_DIR) || (pattern.startsWith('**/') && target.endsWith(`/${bare}`));
    if (matches) ignored = !negated;
  }
  return ignored;
}

/** The .gitignore text with the entry added (a comment says why); a missing file is ''. */
export function withLocalDirIgnored(gitignore: string): string {
  const sep = gitignore === '' || gitignore.endsWith('\n') ? '' : '\n';
  const gap = gitignore.trim() === '' ? '' : '\n';
  return `${gitignore}${sep}${gap}# database-migration: the embedded database, backups and caches (never commit them)\n${LOCAL_DIR}/\n`;
}

/**
 * Whether to offer the entry: the project has a `.migrations/` directory, lies in a git repository, and neither its own
 * .gitignore nor one between it and the repository root ignores it. Returns the .gitignore to write (the project's).
 */
export function gitignoreOffer(projectRoot: string, fsLike: { exists(p: string): boolean; read(p: string): string | null }): { file: string } | null {
  if (!fsLike.exists(path.join(projectRoot, LOCAL_DIR))) return null;
  const repo = repositoryRoot(projectRoot, fsLike.exists);
  if (!repo) return null;
  for (let dir = path.resolve(projectRoot); ; dir = path.dirname(dir)) {
    const text = fsLike.read(path.join(dir, '.gitignore'));
    if (text !== null && ignoresLocalDir(text, path.relative(dir, projectRoot))) return null;
    if (dir === repo || path.dirname(dir) === dir) break;
  }
  return { file: path.join(projectRoot, '.gitignore') };
}
