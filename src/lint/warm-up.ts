/**
 * Warming the linter up: the first lint in a process runs every rule and the parser's WASM code cold (a few hundred
 * ms on a 1,000-line migration against well under a hundred once warm). The editor lints a small built-in migration a
 * few times in the background after activation, before the author opens a file, so that the first real lint is fast.
 */
import type { Parser } from '../sql/parser';
import { lintTextSync } from './linter';

/** A migration that exercises most rules: tables, keys, indexes, column changes, a PL/pgSQL function, drops. */
export function warmUpMigration(tables = 12): string {
  const up: string[] = [];
  const down: string[] = [];
  for (let i = 0; i < tables; i++) {
    up.push(
      `CREATE TABLE warm_up_${i} (`,
      '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
      `  parent_id int REFERENCES warm_up_${Math.max(0, i - 1)} (id),`,
      '  name varchar(80) NOT NULL,',
      '  seen_at timestamp DEFAULT now(),',
      `  CONSTRAINT warm_up_${i}_name_key UNIQUE (name)`,
      ');',
      `CREATE INDEX warm_up_${i}_name ON warm_up_${i} (name);`,
      `ALTER TABLE warm_up_${i} ADD COLUMN status text NOT NULL DEFAULT 'planned', ALTER COLUMN name TYPE text;`,
      `UPDATE warm_up_${i} SET status = 'done', status = 'x' WHERE id = 1;`,
    );
    down.unshift(`DROP TABLE warm_up_${i};`);
  }
  up.push('CREATE FUNCTION warm_up_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.seen_at := now(); RETURN NEW; END $$;');
  return ['-- Up migration', ...up, '', '-- Down migration', 'DROP FUNCTION warm_up_touch();', ...down, ''].join('\n');
}

/** One warm-up round: lints the built-in migration (its findings are dropped). */
export function warmUpRound(parser: Parser): void {
  lintTextSync(parser, warmUpMigration(), 'warm-up/001_warm_up.sql', { asMigration: true });
}
