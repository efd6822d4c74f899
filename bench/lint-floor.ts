/**
 * The floor process of the lint benchmark: load libpg-query and parse every .sql file of DIR, nothing else (no
 * splitting, no rules, none of the benchmark's own modules). The least a parser-based linter in Node can do.
 *
 *   node out/bench/lint-floor.js DIR
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadParser } from '../src/sql/parser';

async function parseOnly(dir: string): Promise<void> {
  const parser = await loadParser();
  let statements = 0;
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
    try {
      statements += (parser.parseSync(fs.readFileSync(path.join(dir, name), 'utf8')) as { stmts: unknown[] }).stmts.length;
    } catch {
      // A file with a syntax error (the realistic corpus has one): the parser stopped there, as a linter's first pass does.
    }
  }
  console.log(`${statements} statements`);
}

parseOnly(process.argv[2]!).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
