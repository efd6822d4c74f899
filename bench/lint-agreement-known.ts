/**
 * Intentional differences between our lint rules and squawk's, for bench/lint-agreement.ts.
 */
import type { ParsedStatement } from '../src/sql/parse';
import type { CorpusFile } from './lint-agreement';

export interface DisagreementContext {
  rule: string;
  /** Which linter reported the statement (the other did not). */
  side: 'ours' | 'squawk';
  file: CorpusFile;
  /** The reported statement (null when the finding is not on a statement). */
  statement: ParsedStatement | null;
  /** The statements of the same section before it. */
  before: ParsedStatement[];
}

export function explain(_ctx: DisagreementContext): string | null {
  return null;
}
