/** The rule registry: one import and one entry per rule. */
import type { Rule } from '../types';
import { preferTextField } from './prefer-text-field';
import { syntaxError } from './syntax-error';

export const ALL_RULES: Rule[] = [
  syntaxError,
  preferTextField,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}
