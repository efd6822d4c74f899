import type { Finding } from '../types';
import { countBySeverity } from './summary';

export function formatJson(findings: Finding[], filesChecked: number): string {
  return JSON.stringify({ summary: { files: filesChecked, ...countBySeverity(findings) }, findings }, null, 2);
}
