/**
 * End offset (JS string offset) of `keyword` when it is one of the first
 * `maxWords` words of a statement's text, skipping whitespace and comments; -1
 * otherwise. Used to place quick-fix edits next to keywords the parse tree has
 * no location for (e.g. INDEX in CREATE UNIQUE INDEX).
 */
export function keywordEnd(text: string, keyword: string, maxWords: number): number {
  let i = 0;
  let words = 0;
  const n = text.length;
  while (i < n && words < maxWords) {
    const ch = text[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl + 1;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; }
        else if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; }
        else i++;
      }
      continue;
    }
    if (!/[A-Za-z_]/.test(ch)) return -1;
    let j = i;
    while (j < n && /[A-Za-z0-9_$]/.test(text[j]!)) j++;
    words++;
    if (text.slice(i, j).toLowerCase() === keyword.toLowerCase()) return j;
    i = j;
  }
  return -1;
}
