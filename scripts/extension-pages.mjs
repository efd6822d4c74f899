// The extension's own pages in the .vsix (its README and the walkthrough's markdown): the pictures they show are copied
// beside them, and every picture must show offline. Used by scripts/package-extension.mjs; tested by package.test.ts.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Images of the extension's README and walkthrough pages as they are in the stage: each must be a relative path to a
 * file the .vsix holds, so the pages show them offline (an https link would need the network, and vsce would rewrite
 * a relative one to a repository URL without --no-rewrite-relative-links). Throws naming each broken image.
 */
export function checkOfflineImages(stageDir) {
  const pages = ['README.md', ...readdirIfAny(join(stageDir, 'media', 'walkthrough')).filter((f) => f.endsWith('.md')).map((f) => `media/walkthrough/${f}`)];
  const broken = [];
  for (const page of pages) {
    if (!existsSync(join(stageDir, page))) continue;
    const text = readFileSync(join(stageDir, page), 'utf8');
    for (const m of text.matchAll(/!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]+src="([^"]+)"/g)) {
      const src = m[1] ?? m[2];
      const file = join(stageDir, dirname(page), src);
      if (/^[a-z]+:/i.test(src) || !existsSync(file)) broken.push(`${page}: ${src}`);
    }
  }
  if (broken.length) throw new Error(`package-extension: images that would not show offline: ${broken.join(', ')}`);
}

function readdirIfAny(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** The pictures the extension's pages show (docs/*.png they reference), copied beside them. */
export function stageImages(root, stageDir) {
  for (const page of ['README.md', ...readdirIfAny(join(stageDir, 'media', 'walkthrough')).map((f) => `media/walkthrough/${f}`)]) {
    if (!page.endsWith('.md') || !existsSync(join(stageDir, page))) continue;
    for (const m of readFileSync(join(stageDir, page), 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)[^)]*\)/g)) {
      const rel = relative(stageDir, join(stageDir, dirname(page), m[1]));
      if (rel.startsWith('..') || /^[a-z]+:/i.test(m[1]) || !existsSync(join(root, rel)) || existsSync(join(stageDir, rel))) continue;
      mkdirSync(dirname(join(stageDir, rel)), { recursive: true });
      cpSync(join(root, rel), join(stageDir, rel));
    }
  }
}
