/**
 * A transaction-safe stand-in for a script that must run outside a transaction,
 * with the same effect on the schema: CONCURRENTLY is dropped from index builds,
 * index drops and DETACH PARTITION, and VACUUM / ANALYZE / REINDEX (which change
 * no definitions) are left out. Rollback verification uses it to check
 * "-- transaction: none" migrations inside its rolled-back transaction.
 */
import { nonTransactionalReason } from './objects';
import type { Parser } from './parser';
import { parseScriptSync, byteToCharMapper } from './parse';

export interface TransactionalEquivalent {
  /** The rewritten script, or null when some statement has no transactional equivalent. */
  sql: string | null;
  /** What had no equivalent (e.g. "CREATE DATABASE"), when sql is null. */
  blocker?: string;
  changed: boolean;
}

export function transactionalEquivalent(parser: Parser, sql: string, pgVersion = 15): TransactionalEquivalent {
  const out: string[] = [];
  let changed = false;
  for (const st of parseScriptSync(parser, sql)) {
    const reason = st.error ? null : nonTransactionalReason(st.kind, st.node, pgVersion);
    if (!reason) {
      if (st.kind === 'VacuumStmt') { changed = true; continue; } // ANALYZE: statistics only
      out.push(st.text);
      continue;
    }
    changed = true;
    if (reason === 'VACUUM' || reason.startsWith('REINDEX')) continue;
    if (reason.includes('CONCURRENTLY')) {
      const toChar = byteToCharMapper(st.text);
      const tok = (parser.scanSync(st.text).tokens as { start: number; end: number; text: string }[])
        .find((t) => t.text.toUpperCase() === 'CONCURRENTLY');
      if (!tok) return { sql: null, blocker: reason, changed };
      out.push(st.text.slice(0, toChar(tok.start)) + st.text.slice(toChar(tok.end)));
      continue;
    }
    return { sql: null, blocker: reason, changed };
  }
  return { sql: out.map((s) => (s.trimEnd().endsWith(';') ? s : `${s};`)).join('\n'), changed };
}
