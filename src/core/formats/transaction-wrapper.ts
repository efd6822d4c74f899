/**
 * A script's own transaction wrapper (Sqitch writes `BEGIN; ... COMMIT;` into every script): the leading BEGIN and
 * the trailing COMMIT (or ROLLBACK, for verify scripts) found at the top level of the SQL, outside strings,
 * quoted names, dollar quotes and comments. Our runner wraps each migration in a transaction itself and refuses a
 * COMMIT inside one, so the pair is blanked out (spaces, newlines kept: every line number stays right).
 */

interface Range {
  start: number;
  end: number;
}

/** Index just past a quoted string, identifier or dollar-quoted body starting at i, else i. */
function skipQuoted(sql: string, i: number): number {
  const ch = sql[i];
  if (ch === "'" || ch === '"') {
    // E'...' strings may escape the quote with a backslash.
    const escapes = ch === "'" && i > 0 && /[eE]/.test(sql[i - 1]!) && !/[\w$]/.test(sql[i - 2] ?? ' ');
    let j = i + 1;
    while (j < sql.length) {
      if (escapes && sql[j] === '\\') { j += 2; continue; }
      if (sql[j] === ch) {
        if (sql[j + 1] === ch) { j += 2; continue; }
        return j + 1;
      }
      j++;
    }
    return sql.length;
  }
  if (ch === '$') {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
    if (!m || (i > 0 && /[\w$]/.test(sql[i - 1]!))) return i;
    const close = sql.indexOf(m[0], i + m[0].length);
    return close === -1 ? sql.length : close + m[0].length;
  }
  return i;
}

/** Index just past a comment starting at i, else i. */
function skipComment(sql: string, i: number): number {
  if (sql[i] === '-' && sql[i + 1] === '-') {
    const nl = sql.indexOf('\n', i);
    return nl === -1 ? sql.length : nl;
  }
  if (sql[i] === '/' && sql[i + 1] === '*') {
    let depth = 1;
    let j = i + 2;
    while (j < sql.length && depth > 0) {
      if (sql[j] === '/' && sql[j + 1] === '*') { depth++; j += 2; } else if (sql[j] === '*' && sql[j + 1] === '/') { depth--; j += 2; } else j++;
    }
    return j;
  }
  return i;
}

/** The top-level statements of a script: from the first code character to just past its ";" (or the end). */
export function statementRanges(sql: string): Range[] {
  const out: Range[] = [];
  let start = -1;
  let i = 0;
  while (i < sql.length) {
    const afterComment = skipComment(sql, i);
    if (afterComment !== i) { i = afterComment; continue; }
    const ch = sql[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (start === -1) start = i;
    const afterQuote = skipQuoted(sql, i);
    if (afterQuote !== i) { i = afterQuote; continue; }
    i++;
    if (ch === ';') { out.push({ start, end: i }); start = -1; }
  }
  if (start !== -1) out.push({ start, end: sql.length });
  return out;
}

const BEGIN = /^(?:BEGIN|START\s+TRANSACTION)\b[^;]*;?$/i;
const COMMIT = /^(?:COMMIT|END)(?:\s+(?:WORK|TRANSACTION))?\s*;?$/i;
const ROLLBACK = /^ROLLBACK(?:\s+(?:WORK|TRANSACTION))?\s*;?$/i;

function blank(sql: string, r: Range): string {
  return sql.slice(0, r.start) + sql.slice(r.start, r.end).replace(/[^\n]/g, ' ') + sql.slice(r.end);
}

export interface Unwrapped {
  sql: string;
  /** True when the script had the BEGIN ... COMMIT pair (it was written to run in one transaction). */
  wrapped: boolean;
  /** Set when only one half of the pair is there: the line of that half. */
  unpairedLine?: number;
}

/** The script without its leading BEGIN and trailing COMMIT (or ROLLBACK when `allowRollback`). */
export function unwrapTransaction(sql: string, allowRollback = false): Unwrapped {
  const ranges = statementRanges(sql);
  if (ranges.length === 0) return { sql, wrapped: false };
  const first = ranges[0]!;
  const last = ranges[ranges.length - 1]!;
  const text = (r: Range) => sql.slice(r.start, r.end).trim();
  const begins = BEGIN.test(text(first));
  const ends = ranges.length > 1 && (COMMIT.test(text(last)) || (allowRollback && ROLLBACK.test(text(last))));
  const lineOf = (r: Range) => sql.slice(0, r.start).split('\n').length;
  if (begins && ends) return { sql: blank(blank(sql, last), first), wrapped: true };
  if (begins) return { sql, wrapped: false, unpairedLine: lineOf(first) };
  if (ranges.length > 0 && (COMMIT.test(text(last)) || (allowRollback && ROLLBACK.test(text(last))))) return { sql, wrapped: false, unpairedLine: lineOf(last) };
  return { sql, wrapped: false };
}
