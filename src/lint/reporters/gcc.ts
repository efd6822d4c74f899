import type { Finding } from '../types';

/** `file:line:col: severity: message [rule]` — what editors and CI log parsers understand. */
export function formatGcc(findings: Finding[]): string {
  return findings
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity === 'info' ? 'note' : f.severity}: ${f.message} [${f.ruleId}]`)
    .join('\n');
}
