/** A format's fixture directory (test/fixtures/formats/<format>/, subdirectories included) as a project's files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestProject } from './harness';

const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'formats');

/** Every file under the fixture directory, keyed by its path below `into` ("migrations/deploy/x.sql"). */
export function fixtureTree(format: string, into = 'migrations'): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(FIXTURES, format, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else files[`${into}/${r}`] = fs.readFileSync(path.join(FIXTURES, format, r), 'utf8');
    }
  };
  walk('');
  return files;
}

export interface StatusJson {
  migrations: { id: string; version: string; name: string; state: string; file: string; transactional: boolean }[];
}

/** --status --json (exit 0, or 4 when something applied was modified). */
export async function statusJson(p: TestProject): Promise<StatusJson> {
  const r = await p.cli(['--status', '--json']);
  if (r.code !== 0 && r.code !== 4) throw new Error(`--status --json failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusJson;
}

export interface LintFinding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

export async function lintFindings(p: TestProject): Promise<{ code: number; findings: LintFinding[] }> {
  const r = await p.cli(['--lint', '--format', 'json']);
  return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: LintFinding[] }).findings };
}

/** Rewrites the project's config file through `edit` (the test environment's URL stays as makeProject wrote it). */
export function editConfig(p: TestProject, edit: (config: Record<string, unknown>) => void): void {
  const file = path.join(p.dir, 'database-migration.config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(config);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
}
