/**
 * "targets" checked before the JSON Schema, for messages that name the problem: the schema's oneOf (a list, or an
 * object with one of urls/query/schemas) only says that none of its branches matched. The schema stays the source
 * of truth for the editor; this says the same rules in words.
 */

export interface TargetsProblem {
  /** Key path below the environment, e.g. ["targets", "urls", "2"]. */
  path: string[];
  message: string;
  hint: string;
}

const KINDS = ['urls', 'query', 'schemas'] as const;
const RUN_KEYS = ['parallel', 'canary', 'onFailure'];
const SHAPE_HINT = 'write a list of URLs, or an object with exactly one of "urls" (a list), "query" (SQL) or "schemas" (a LIKE pattern); see docs/fleet.md';

function urlList(value: unknown, at: string[], key: string): TargetsProblem | null {
  if (!Array.isArray(value)) return { path: at, message: `"${key}" must be a list of URLs`, hint: SHAPE_HINT };
  if (value.length === 0) return { path: at, message: `"${key}" is an empty list`, hint: 'list at least one database, or remove "targets"' };
  const bad = value.findIndex((v) => typeof v !== 'string' || v.trim() === '');
  if (bad === -1) return null;
  return { path: [...at, String(bad)], message: `"${key}[${bad}]" must be a connection URL (postgres://...) or pglite:<directory>`, hint: 'write each target as a string' };
}

function runSetting(obj: Record<string, unknown>, key: string): TargetsProblem | null {
  const at = ['targets', key];
  const v = obj[key];
  if (v === undefined) return null;
  if (key === 'onFailure') {
    return v === 'stop' || v === 'continue' ? null : { path: at, message: `"${key}" must be "stop" or "continue"`, hint: 'stop: start no more targets after a failure; continue: go on with the others' };
  }
  const min = key === 'parallel' ? 1 : 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && (key !== 'parallel' || v <= 64)) return null;
  return { path: at, message: `"${key}" must be a whole number ${key === 'parallel' ? 'from 1 to 64' : 'of 0 or more'}`, hint: `set "${key}" to a whole number, or remove it` };
}

/** The first problem of an environment's "targets" value (`where` is "environments.<name>"), or null. */
export function targetsProblem(value: unknown, where: string): TargetsProblem | null {
  const key = `${where}.targets`;
  if (Array.isArray(value)) return urlList(value, ['targets'], key);
  if (!value || typeof value !== 'object') return { path: ['targets'], message: `"${key}" must be a list of URLs or an object`, hint: SHAPE_HINT };
  const obj = value as Record<string, unknown>;
  const unknown = Object.keys(obj).find((k) => !(KINDS as readonly string[]).includes(k) && !RUN_KEYS.includes(k) && k !== 'exclude');
  if (unknown) return { path: ['targets', unknown], message: `unknown key "${key}.${unknown}"`, hint: `the keys are ${[...KINDS, 'exclude', ...RUN_KEYS].map((k) => `"${k}"`).join(', ')}` };
  const kinds = KINDS.filter((k) => obj[k] !== undefined);
  if (kinds.length !== 1) {
    return { path: ['targets'], message: kinds.length ? `"${key}" has ${kinds.map((k) => `"${k}"`).join(' and ')}: give only one` : `"${key}" has none of "urls", "query", "schemas"`, hint: SHAPE_HINT };
  }
  const kind = kinds[0]!;
  if (kind === 'urls') {
    const p = urlList(obj['urls'], ['targets', 'urls'], `${key}.urls`);
    if (p) return p;
  } else if (typeof obj[kind] !== 'string' || (obj[kind] as string).trim() === '') {
    return { path: ['targets', kind], message: `"${key}.${kind}" must be a non-empty string`, hint: kind === 'query' ? 'write the SQL whose first column gives URLs or schema names' : 'write a LIKE pattern such as "tenant\\\\_%"' };
  }
  if (obj['exclude'] !== undefined && (kind !== 'schemas' || !Array.isArray(obj['exclude']) || obj['exclude'].some((x) => typeof x !== 'string'))) {
    return { path: ['targets', 'exclude'], message: `"${key}.exclude" must be a list of schema names or patterns, next to "schemas"`, hint: 'use "exclude" only with "schemas"' };
  }
  for (const k of RUN_KEYS) {
    const p = runSetting(obj, k);
    if (p) return { ...p, message: p.message.replace(`"${k}`, `"${key}.${k}`) };
  }
  return null;
}
