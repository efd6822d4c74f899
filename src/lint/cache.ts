/**
 * The on-disk lint cache of `--lint` (like eslint --cache): the findings of each file, keyed by the SHA-256 of
 * everything they depend on, so an unchanged file is not parsed again (and a run where nothing changed does not even
 * load the WASM parser). The key covers the file's text and displayed name, how it is read (migration or plain
 * script), the lint options (target version, severities, rule selection), the rule set (ids, default severities,
 * sections, bodies) and the tool: its version, the libpg-query version and the size and time of the linter's own code
 * (so a rebuild or an upgrade starts afresh). Stored as one JSON file, .migrations/lint-cache.json under the project root;
 * a cache that cannot be read or written is ignored (linting never fails because of it). `--no-cache` bypasses it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCacheFile } from '../core/cache-file';
import { packageVersion } from '../core/package-root';
import type { LintOptions } from './linter';
import { ALL_RULES } from './rules';
import type { Fact } from './history';
import type { Finding } from './types';

const FORMAT = 2;
/** Entries kept at most (least recently used dropped first); about 200 bytes per finding on disk. */
const MAX_ENTRIES = 20000;

interface CacheFile {
  format: number;
  /** SHA-256 of the tool fingerprint the entries were written with; entries of another one are dropped on open. */
  fingerprint?: string;
  entries: Record<string, Finding[]>;
  /** The history facts of each migration's up section (src/lint/history.ts), by the SHA-256 of its text. */
  facts?: Record<string, Fact[]>;
}

export function lintCachePath(root: string): string {
  return path.join(root, '.migrations', 'lint-cache.json');
}

function fileStamp(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'none';
  }
}

function libpgQueryVersion(): string {
  try {
    const pj = path.join(path.dirname(require.resolve('libpg-query')), '..', 'package.json');
    return (JSON.parse(fs.readFileSync(pj, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The tool's identity: its version, the linter code's size and time, the parser's version. */
export function toolIdentity(): Record<string, string> {
  return { tool: packageVersion(), code: fileStamp(__filename), parser: libpgQueryVersion() };
}

/** What the findings of every file depend on besides the file itself. */
export function toolFingerprint(options: LintOptions, tool: Record<string, string> = toolIdentity()): string {
  const rules = (options.rules ?? ALL_RULES).map((r) => [r.id, r.defaultSeverity, r.sections ?? null, r.bodies ?? 'migration']);
  const severities = Object.entries(options.severities ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify({
    format: FORMAT,
    tool,
    rules,
    only: options.only ? [...options.only].sort() : null,
    postgresVersion: options.postgresVersion ?? null,
    severities,
    settings: options.settings ?? null,
  });
}

export class LintCache {
  private readonly entries = new Map<string, Finding[]>();
  private readonly factEntries = new Map<string, Fact[]>();
  private readonly factsUsed = new Set<string>();
  private changed = false;
  private readonly fingerprint: string;
  private readonly fingerprintHash: string;

  private constructor(private readonly file: string, fingerprint: string, stored: CacheFile | null) {
    this.fingerprint = fingerprint;
    this.fingerprintHash = createHash('sha256').update(fingerprint).digest('hex');
    // Entries of another tool build, rule set or configuration can never be hit again: a cache that kept them would
    // grow with every upgrade or rebuild, and every warm run would read them all. Start afresh instead.
    if (stored && stored.fingerprint === this.fingerprintHash) {
      for (const [k, v] of Object.entries(stored.entries)) this.entries.set(k, v);
      for (const [k, v] of Object.entries(stored.facts ?? {})) this.factEntries.set(k, v);
    } else if (stored && Object.keys(stored.entries).length > 0) this.changed = true;
  }

  /** Opens the cache file of a project root; a missing, unreadable or foreign file is an empty cache. */
  static open(root: string, options: LintOptions, tool: Record<string, string> = toolIdentity()): LintCache {
    const file = lintCachePath(root);
    let stored: CacheFile | null = null;
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as CacheFile;
      if (data && data.format === FORMAT && data.entries && typeof data.entries === 'object') stored = data;
    } catch {
      stored = null;
    }
    return new LintCache(file, toolFingerprint(options, tool), stored);
  }

  key(text: string, displayed: string, asMigration: boolean, format = 'native'): string {
    return createHash('sha256').update(this.fingerprint).update('\0').update(displayed).update('\0')
      .update(asMigration ? `migration:${format}` : 'auto').update('\0').update(text).digest('hex');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Finding[] | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Most recently used last, so trimming drops the oldest entries first.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  set(key: string, findings: Finding[]): void {
    this.entries.set(key, findings);
    this.changed = true;
  }

  /** The history facts of a section's text, when an earlier run stored them. */
  facts(text: string): Fact[] | undefined {
    const key = createHash('sha256').update(text).digest('hex');
    const hit = this.factEntries.get(key);
    if (hit) this.factsUsed.add(key);
    return hit;
  }

  setFacts(text: string, facts: Fact[]): void {
    const key = createHash('sha256').update(text).digest('hex');
    this.factEntries.set(key, facts);
    this.factsUsed.add(key);
    this.changed = true;
  }

  /** Writes the cache back when something was added (atomically: a temporary file renamed over it). Never throws. */
  save(): void {
    if (!this.changed) return;
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    // Facts are kept for the texts this run read: those of edited-away versions go.
    const facts = Object.fromEntries([...this.factEntries].filter(([k]) => this.factsUsed.size === 0 || this.factsUsed.has(k)));
    const data = { format: FORMAT, fingerprint: this.fingerprintHash, entries: Object.fromEntries(this.entries), facts } satisfies CacheFile;
    if (writeCacheFile(this.file, data)) this.changed = false;
  }
}
