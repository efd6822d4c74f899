/**
 * Renders the figures section of RELIABILITY.md from test/reliability/results/*.json,
 * the records the long suite writes. `node out/test/reliability/report.js` rewrites
 * the section (npm run test:reliability does it after the run); a unit test checks
 * the section matches the records, so the figures cannot be edited by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PartResult } from './results';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const RELIABILITY_MD = path.join(ROOT, 'RELIABILITY.md');
export const RESULTS = path.join(ROOT, 'test', 'reliability', 'results');
export const START = '<!-- figures:start (generated from test/reliability/results by npm run test:reliability; do not edit) -->';
export const END = '<!-- figures:end -->';

// Parts in the order the suite is described in; parts not listed come after, by name.
const ORDER = ['crash', 'crash (fastCommit)', 'concurrency', 'file lock race', 'file lock wait', 'terminate transactional',
  'terminate non-transactional', 'server restart', 'restore large', 'bad input', 'secrets', 'secrets in config', 'fuzz parser',
  'fuzz planner', 'fuzz splitter and linter'];

export function readResults(dir = RESULTS): PartResult[] {
  if (!fs.existsSync(dir)) return [];
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as PartResult);
  const rank = (r: PartResult) => { const i = ORDER.indexOf(r.part); return i === -1 ? ORDER.length : i; };
  return all.sort((a, b) => rank(a) - rank(b) || a.part.localeCompare(b.part) || String(a.backend).localeCompare(String(b.backend)));
}

function figures(f: PartResult['figures']): string {
  return Object.entries(f).map(([k, v]) => `${k.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${v}`).join('; ');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderFigures(results: PartResult[]): string {
  if (results.length === 0) return 'No long run has been recorded yet: run `npm run test:reliability`.';
  const lines = [
    '| part | backend | trials passed / run | result | figures | time | commit, finished |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const result = r.passed ? 'passed' : `**FAILED**: ${r.error ?? ''}`;
    lines.push(`| ${cell(r.part)} | ${r.backend ?? '—'} | ${r.trialsPassed} / ${r.trialsRequested} | ${cell(result)} | ${cell(figures(r.figures))} | ${r.durationSeconds} s | ${r.commit}, ${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC |`);
  }
  const machines = [...new Set(results.map((r) => r.machine))];
  const servers = [...new Set(results.map((r) => r.server))];
  lines.push('', 'What each part checks:', '');
  for (const part of [...new Set(results.map((r) => r.part))]) lines.push(`- **${part}**: ${results.find((r) => r.part === part)!.checks}`);
  lines.push('', `Machine: ${machines.join(' · ')}. Servers: ${servers.join(' · ')}.`);
  return lines.join('\n');
}

/** RELIABILITY.md with its figures section rendered from `results`. */
export function withFigures(markdown: string, results: PartResult[]): string {
  const a = markdown.indexOf(START);
  const b = markdown.indexOf(END);
  if (a === -1 || b === -1) throw new Error('RELIABILITY.md has no figures markers');
  return `${markdown.slice(0, a + START.length)}\n${renderFigures(results)}\n${markdown.slice(b)}`;
}

if (require.main === module) {
  fs.writeFileSync(RELIABILITY_MD, withFigures(fs.readFileSync(RELIABILITY_MD, 'utf8'), readResults()));
  process.stdout.write(`RELIABILITY.md figures rendered from ${readResults().length} records in ${RESULTS}\n`);
}
