/** Rollback verification's report: what each migration's down failed to undo. */
import { describeDifference } from '../catalog';
import type { VerificationResult } from '../rehearsal';
import type { Style } from './style';

/** Lines for each result and a verdict line; `ok` is false when any migration failed the check. */
export function renderVerify(results: VerificationResult[], style: Style): { lines: string[]; ok: boolean } {
  const ok = results.every((r) => r.ok);
  const lines = results.length === 0 ? ['Nothing to verify: no pending migrations.'] : [];
  for (const r of results) {
    const again = r.repeatable ? 'applied again on top of itself' : 'after down and up again';
    if (r.ok && r.repeatable) lines.push(`  ${style.green('✓')} ${r.id}: applies again on top of itself identically (repeatable, no down section)`);
    else if (r.ok && !r.skippedReason) lines.push(`  ${style.green('✓')} ${r.id}: down undoes up, and up applies again identically${r.verifiedBy ? `; ${r.verifiedBy} passes` : ''}${r.note ? style.dim(` (${r.note})`) : ''}`);
    else if (r.ok) lines.push(`  ${style.yellow('-')} ${r.id}: not verified, it ${r.skippedReason}`);
    else {
      lines.push(`  ${style.red('✗')} ${r.id}${r.skippedReason ? `: ${r.skippedReason}` : ''}`);
      for (const d of r.downDifferences) lines.push(`      after down: ${describeDifference(d)}`);
      for (const d of r.reapplyDifferences) lines.push(`      ${again}: ${describeDifference(d)}`);
      if (r.reapplyError) lines.push(`      up fails when run again ${r.repeatable ? 'on top of itself' : 'after down'}: ${r.reapplyError}`);
      if (r.verifyError) lines.push(`      verify script failed ${r.verifyError}`);
    }
  }
  lines.push(ok ? 'Rollback verification passed; nothing was changed.' : style.red('Rollback verification failed; nothing was changed.'));
  return { lines, ok };
}
