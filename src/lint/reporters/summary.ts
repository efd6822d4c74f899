import type { Finding } from '../types';

export function countBySeverity(findings: Finding[]): { errors: number; warnings: number; infos: number } {
  return {
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

export function summaryLine(findings: Finding[], filesChecked: number): string {
  const c = countBySeverity(findings);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const files = plural(filesChecked, 'file');
  if (findings.length === 0) return `${files} checked: no problems.`;
  const parts = [plural(c.errors, 'error'), plural(c.warnings, 'warning')];
  if (c.infos) parts.push(plural(c.infos, 'note'));
  return `${files} checked: ${parts.join(', ')}.`;
}
