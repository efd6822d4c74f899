/** Output-channel text for dry runs and rollback verification (editor-side wording; the data comes from the engine). */
import { describeDifference } from '../../core/catalog';
import type { MigrationRehearsal, VerificationResult } from '../../core/rehearsal';

export function dryRunLines(rehearsals: MigrationRehearsal[]): string[] {
  if (rehearsals.length === 0) return ['Dry run: nothing to run.'];
  const out = ['Dry run (everything below was rolled back):'];
  for (const m of rehearsals) {
    out.push(`${m.direction === 'up' ? '↑' : '↓'} ${m.id}`);
    if (!m.statements) {
      out.push(`    not rehearsed: it ${m.skippedReason ?? 'cannot run in a transaction'}`);
      continue;
    }
    for (const st of m.statements) {
      const sql = st.sql.replace(/\s+/g, ' ').trim();
      const locks = st.locks.length ? `; locks ${st.locks.map((l) => `${l.mode} on ${l.object}`).join(', ')}` : '';
      out.push(`    line ${st.line}: ${st.durationMs} ms, ${st.rows} row(s)${locks} — ${sql.length > 80 ? `${sql.slice(0, 77)}...` : sql}`);
    }
  }
  return out;
}

export function verifyLines(results: VerificationResult[]): { lines: string[]; ok: boolean } {
  if (results.length === 0) return { lines: ['Verify: no pending migrations to check.'], ok: true };
  const lines: string[] = [];
  for (const r of results) {
    if (r.ok && !r.skippedReason) lines.push(`✓ ${r.id}: down undoes up, and up applies again identically`);
    else if (r.ok) lines.push(`- ${r.id}: not verified, it ${r.skippedReason}`);
    else {
      lines.push(`✗ ${r.id}${r.skippedReason ? `: ${r.skippedReason}` : ''}`);
      for (const d of r.downDifferences) lines.push(`    after down: ${describeDifference(d)}`);
      for (const d of r.reapplyDifferences) lines.push(`    after down and up again: ${describeDifference(d)}`);
      if (r.reapplyError) lines.push(`    up fails when run again after down: ${r.reapplyError}`);
    }
  }
  return { lines, ok: results.every((r) => r.ok) };
}
