/**
 * String constants as written in SQL ('it''s', E'a\nb', $tag$...$tag$) and the text they stand for, with a map from
 * each character of that text back to the source, so that a position found in the text (a function body, an EXECUTE
 * string) can be shown at its place in the file.
 */

export interface UnquotedLiteral {
  value: string;
  /** map[i]: offset in the literal as written of the value's character i; map[value.length]: its closing quote. */
  map: number[];
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * The value of a string constant token and where each of its characters is written; null for forms whose escapes
 * are not mapped (U&'...', octal, hex or Unicode escapes in E'...').
 */
export function unquoteLiteral(raw: string): UnquotedLiteral | null {
  if (raw.startsWith('$')) {
    const tagEnd = raw.indexOf('$', 1);
    if (tagEnd === -1) return null;
    const tag = raw.slice(0, tagEnd + 1);
    if (raw.length < 2 * tag.length || !raw.endsWith(tag)) return null;
    const value = raw.slice(tag.length, raw.length - tag.length);
    const map = new Array<number>(value.length + 1);
    for (let i = 0; i <= value.length; i++) map[i] = tag.length + i;
    return { value, map };
  }
  let i = 0;
  const escapes = raw[0] === 'E' || raw[0] === 'e';
  if (escapes) i = 1;
  const end = raw.length - 1;
  if (raw[i] !== "'" || end <= i || raw[end] !== "'") return null;
  i++;
  let value = '';
  const map: number[] = [];
  while (i < end) {
    const c = raw[i]!;
    if (c === "'") {
      if (raw[i + 1] !== "'") return null; // two adjacent constants ('a' 'b' on two lines): not mapped
      value += c;
      map.push(i);
      i += 2;
    } else if (escapes && c === '\\') {
      const n = raw[i + 1] ?? '';
      const simple = SIMPLE_ESCAPES[n] ?? (/[0-7xuU]/.test(n) ? null : n);
      if (simple === null) return null;
      value += simple;
      map.push(i);
      i += 2;
    } else {
      value += c;
      map.push(i);
      i++;
    }
  }
  map.push(end);
  return { value, map };
}

/** A dollar quote of `text` whose tag does not occur in it. */
export function dollarQuote(text: string, base = 'q'): string {
  let tag = `$${base}$`;
  for (let n = 0; text.includes(tag); n++) tag = `$${base}${n}$`;
  return `${tag}${text}${tag}`;
}
