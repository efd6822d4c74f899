import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from '../core/config';
import { MigrationError } from '../core/errors';
import { lintText, type LintOptions } from './linter';
import { ALL_RULES } from './rules';
import type { Finding } from './types';

export interface LintRun {
  findings: Finding[];
  files: string[];
  /** File text by displayed name, for code frames. */
  sources: Map<string, string>;
}

/** Lint options from the config's "lint" section; unknown rule ids are an error naming the key. */
export function lintOptionsFromConfig(config: Config): LintOptions {
  const rules = config.lint.rules ?? {};
  const known = new Set(ALL_RULES.map((r) => r.id));
  for (const id of Object.keys(rules)) {
    if (!known.has(id)) {
      throw new MigrationError('E_CONFIG_INVALID', `unknown lint rule "lint.rules.${id}"`,
        `use one of the rule ids listed by --list-rules`, { file: config.file ?? undefined });
    }
  }
  return { postgresVersion: config.lint.postgresVersion, severities: rules };
}

function collectSqlFiles(target: string): string[] {
  const stat = fs.statSync(target);
  if (stat.isFile()) return [target];
  const out: string[] = [];
  for (const entry of fs.readdirSync(target, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const p = path.join(target, entry.name);
    if (entry.isDirectory()) out.push(...collectSqlFiles(p));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.sql')) out.push(p);
  }
  return out.sort();
}

/** Lints files and directories (recursively, *.sql); with no paths, the project's migrations directory. */
export async function lintPaths(paths: string[], config: Config, cwd: string, options: LintOptions = lintOptionsFromConfig(config)): Promise<LintRun> {
  const targets = paths.length > 0 ? paths.map((p) => path.resolve(cwd, p)) : [config.migrationsDir];
  const files: string[] = [];
  for (const t of targets) {
    if (!fs.existsSync(t)) {
      throw new MigrationError('E_USAGE', `nothing to lint at ${path.relative(cwd, t) || t}: no such file or directory`,
        paths.length ? 'check the path' : 'create a migration first, or pass the files or directories to lint');
    }
    files.push(...collectSqlFiles(t));
  }
  const sources = new Map<string, string>();
  const findings: Finding[] = [];
  for (const f of [...new Set(files)]) {
    const shown = path.relative(cwd, f) || f;
    const text = fs.readFileSync(f, 'utf8');
    sources.set(shown, text);
    findings.push(...(await lintText(text, shown, options)));
  }
  return { findings, files: [...sources.keys()], sources };
}
