/**
 * Column generators for --seed --scale: each turns a row number into one COPY text value ("\N" for NULL),
 * drawing from its own seeded random stream, so a column's values do not change when another column's
 * generator does. Built from the config's generator objects (checked here, with messages naming the key) or
 * chosen from the catalog for columns the config does not name.
 */
import { MigrationError } from './errors';

/** One value per row, already in COPY text form. */
export type Generate = (row: number) => string;

export const NULL_TEXT = '\\N';

/** A small fast deterministic generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a text: a stream's seed from (random seed, table, column). */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A value as COPY text: NULL as \N, objects as JSON, and backslash, tab, newline and carriage return escaped. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return NULL_TEXT;
  const s = typeof value === 'object' ? JSON.stringify(value) : typeof value === 'boolean' ? (value ? 't' : 'f') : String(value);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}

/** A config problem at `key` (e.g. seed.scale.tables.x.columns.y). */
export function configError(key: string, problem: string, hint: string, file: string | null): MigrationError {
  return new MigrationError('E_CONFIG_INVALID', `"${key}" ${problem}`, hint, file ? { file } : {});
}

const UNIT_MS: Record<string, number> = { d: 86400000, h: 3600000, m: 60000, s: 1000 };

/** "now", "now-30d", "now+2h", or an ISO date / timestamp, as epoch milliseconds; NaN when it is none of those. */
export function parseMoment(text: string, now: number): number {
  const rel = /^now(?:\s*([+-])\s*(\d+(?:\.\d+)?)\s*([dhms]))?$/.exec(text.trim());
  if (rel) return rel[1] ? now + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNIT_MS[rel[3]!]! : now;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return Number.NaN;
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
}

export function uniformInt(rnd: () => number, min: number, max: number): number {
  return min + Math.floor(rnd() * (max - min + 1));
}

/** Picks by relative weights (all equal when none are given). */
export function picker<T>(values: T[], weights?: number[]): (rnd: () => number) => T {
  if (!weights) return (rnd) => values[Math.floor(rnd() * values.length)]!;
  const total = weights.reduce((a, w) => a + w, 0);
  const cumulative = weights.map(((sum) => (w: number) => (sum += w / total))(0));
  return (rnd) => {
    const r = rnd();
    const i = cumulative.findIndex((c) => r < c);
    return values[i < 0 ? values.length - 1 : i]!;
  };
}

/** A deterministic version-4 UUID from the stream. */
export function uuid(rnd: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(rnd() * 16).toString(16);
  const variant = (8 + Math.floor(rnd() * 4)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A "pattern" generator: {seq} is the row number (continuing after `seqBase`), {int:MIN:MAX}, {choice:a|b|c},
 * {hex:N}; any other text is copied. An unknown placeholder is a config error naming it.
 */
export function patternGenerator(pattern: string, rnd: () => number, seqBase: number, key: string, file: string | null): Generate {
  const parts: ((row: number) => string)[] = [];
  let last = 0;
  for (const m of pattern.matchAll(/\{([^{}]*)\}/g)) {
    const literal = pattern.slice(last, m.index);
    if (literal) parts.push(() => literal);
    last = m.index! + m[0].length;
    const [name, ...args] = m[1]!.split(':');
    if (name === 'seq' && args.length === 0) parts.push((row) => String(seqBase + row + 1));
    else if (name === 'int' && args.length === 2 && args.every((a) => /^-?\d+$/.test(a)) && Number(args[0]) <= Number(args[1])) {
      const [lo, hi] = args.map(Number) as [number, number];
      parts.push(() => String(uniformInt(rnd, lo, hi)));
    } else if (name === 'choice' && args.length >= 1) {
      const pick = picker(args.join(':').split('|'));
      parts.push(() => pick(rnd));
    } else if (name === 'hex' && args.length === 1 && /^[1-9]\d?$/.test(args[0]!)) {
      const n = Number(args[0]);
      parts.push(() => { let s = ''; for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16); return s; });
    } else {
      throw configError(key, `has an unknown placeholder {${m[1]}}`, 'use {seq}, {int:MIN:MAX}, {choice:a|b|c} or {hex:N}', file);
    }
  }
  const tail = pattern.slice(last);
  if (tail) parts.push(() => tail);
  return (row) => copyText(parts.map((p) => p(row)).join(''));
}

/** Wraps a generator so that a share of rows is NULL (drawn from its own stream, so the other values stay put). */
export function withNulls(generate: Generate, fraction: number, rnd: () => number): Generate {
  if (fraction <= 0) return generate;
  return (row) => {
    const isNull = rnd() < fraction;
    const value = generate(row);
    return isNull ? NULL_TEXT : value;
  };
}
