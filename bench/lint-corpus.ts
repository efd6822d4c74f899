/**
 * Migration corpora for the lint benchmark and the lint regression snapshot.
 *
 * `generatedMigration` is the uniform corpus of the peer comparison (five statement shapes repeated).
 * `realisticMigration` reads like a real history: headers and comments, ALTER TABLE ADD COLUMN with
 * defaults, foreign keys, CREATE INDEX CONCURRENTLY in `-- transaction: none` files, PL/pgSQL functions and
 * DO blocks in dollar quotes (tagged and untagged), triggers, enums, views, data fixes, a statement with a
 * syntax error now and then (the linter's statement-by-statement fallback), and down sections.
 * Both are deterministic: the same arguments always give the same text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export function generatedMigration(n: number, variant = 0): string {
  const out: string[] = ['-- Up migration', 'SET lock_timeout = \'5s\';'];
  for (let i = 0; out.length < n + 1; i++) {
    switch (i % 5) {
      case 0: out.push(`CREATE TABLE obs_${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, object_id bigint NOT NULL, observed_at timestamptz NOT NULL, note text);`); break;
      case 1: out.push(`CREATE INDEX obs_${i - 1}_object_idx ON obs_${i - 1} (object_id, observed_at);`); break;
      case 2: out.push(`ALTER TABLE obs_${i - 2} ADD COLUMN magnitude numeric(6, 3);`); break;
      case 3: out.push(`INSERT INTO obs_${i - 3} (object_id, observed_at, note) VALUES (${i}, now(), 'seen ${variant}');`); break;
      default: out.push(`CREATE VIEW obs_${i - 4}_recent AS SELECT * FROM obs_${i - 4} WHERE observed_at > now() - interval '7 days';`);
    }
  }
  out.push('', '-- Down migration', 'SELECT 1;', '');
  return out.join('\n');
}

function tableDdl(t: string, k: number, parent: string | null): string[] {
  return [
    `-- ${t}: one row per observation batch (generated table ${k}).`,
    `CREATE TABLE ${t} (`,
    '    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
    parent ? `    ${parent}_id  bigint NOT NULL REFERENCES ${parent} (id) ON DELETE CASCADE,` : '    code          text NOT NULL UNIQUE,',
    `    name          varchar(${40 + k % 200}) NOT NULL CHECK (char_length(name) > 0),`,
    `    status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'active', 'retired')),`,
    '    payload       jsonb NOT NULL DEFAULT \'{}\'::jsonb,',
    '    created_at    timestamp NOT NULL DEFAULT now(),',
    `    amount        ${k % 3 === 0 ? 'integer' : 'numeric(12, 2)'}`,
    ');',
    `COMMENT ON TABLE ${t} IS 'Batches for table ${k}; it''s generated.';`,
    `CREATE INDEX ${t}_status_idx ON ${t} (status) WHERE status <> 'retired';`,
  ];
}

function functionDdl(t: string, k: number): string[] {
  const tag = k % 2 === 0 ? '$$' : '$body$';
  return [
    `CREATE OR REPLACE FUNCTION ${t}_touch() RETURNS trigger`,
    '    LANGUAGE plpgsql',
    `AS ${tag}`,
    'DECLARE',
    '    n integer := 0;',
    'BEGIN',
    `    -- keep ${t}.payload an object; count the keys`,
    '    IF jsonb_typeof(NEW.payload) <> \'object\' THEN',
    `        RAISE EXCEPTION 'payload of % must be an object', NEW.id USING ERRCODE = 'check_violation';`,
    '    END IF;',
    '    SELECT count(*) INTO n FROM jsonb_object_keys(NEW.payload);',
    `    NEW.name := trim(NEW.name) || CASE WHEN n > ${k % 7} THEN ' (many)' ELSE '' END;`,
    '    RETURN NEW;',
    'END;',
    `${tag};`,
    `CREATE TRIGGER ${t}_touch BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_touch();`,
  ];
}

function alterDdl(t: string, k: number): string[] {
  return [
    `ALTER TABLE ${t} ADD COLUMN priority integer NOT NULL DEFAULT ${k % 5};`,
    `ALTER TABLE ${t} ADD COLUMN updated_at timestamptz DEFAULT clock_timestamp();`,
    `ALTER TABLE ${t} ADD CONSTRAINT ${t}_amount_check CHECK (amount >= 0) NOT VALID;`,
    `ALTER TABLE ${t} VALIDATE CONSTRAINT ${t}_amount_check;`,
    `UPDATE ${t} SET status = 'active' WHERE status = 'new' AND created_at < now() - interval '${k % 30 + 1} days';`,
  ];
}

function doBlock(t: string, k: number): string[] {
  return [
    'DO $do$',
    'BEGIN',
    `    IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = '${t}_kind') THEN`,
    `        CREATE TYPE ${t}_kind AS ENUM ('a', 'b', 'c${k}');`,
    '    END IF;',
    'END',
    '$do$;',
    `ALTER TYPE ${t}_kind ADD VALUE IF NOT EXISTS 'd' AFTER 'b';`,
  ];
}

/** One file of a realistic history: `statements` is approximate (whole blocks are kept together). */
export function realisticMigration(index: number, statements = 25): { name: string; text: string } {
  const concurrent = index % 9 === 4;
  const broken = index % 23 === 11;
  const header = [`-- Migration ${index}: ${concurrent ? 'indexes built without blocking writes' : 'schema changes for area ' + (index % 13)}.`];
  if (index > 1) header.push(`-- depends: ${index - 1}`);
  if (concurrent) header.push('-- transaction: none');
  const up: string[] = ['-- Up migration'];
  const drops: string[] = [];
  if (index % 4 === 0) up.push("SET lock_timeout = '3s';", "SET statement_timeout = '60s';");
  let count = up.length - 1;
  for (let k = 0; count < statements; k++) {
    const t = `m${index}_t${k}`;
    const parent = k > 0 ? `m${index}_t${k - 1}` : null;
    if (concurrent) {
      up.push(`CREATE INDEX CONCURRENTLY IF NOT EXISTS m${index - 1}_t${k}_name_idx ON m${index - 1}_t${k} (name);`);
      drops.push(`DROP INDEX CONCURRENTLY IF EXISTS m${index - 1}_t${k}_name_idx;`);
      count++;
      continue;
    }
    const blocks = [tableDdl(t, k + index, parent), alterDdl(t, k + index)];
    if ((k + index) % 3 === 0) blocks.push(functionDdl(t, k + index));
    if ((k + index) % 5 === 0) blocks.push(doBlock(t, k + index));
    if (k % 4 === 3) blocks.push([`CREATE VIEW ${t}_active AS`, `    SELECT id, name, amount FROM ${t} WHERE status = 'active';`]);
    for (const b of blocks) {
      up.push('', ...b);
      count += b.filter((l) => /;\s*$/.test(l)).length;
    }
    drops.unshift(`DROP TABLE IF EXISTS ${t} CASCADE;`);
  }
  if (broken) up.push('', `ALTER TABLE m${index}_t0 ADD COLUMN broken integer DEFAULT;`);
  const text = [...header, ...up, '', '-- Down migration', ...drops, ''].join('\n');
  return { name: `${String(index).padStart(4, '0')}_area_${index % 13}.sql`, text };
}

/** Writes `files` realistic migrations into dir; returns the statement count (approximate). */
export function writeRealisticCorpus(dir: string, files: number, statements = 25): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= files; i++) {
    const m = realisticMigration(i, statements);
    fs.writeFileSync(path.join(dir, m.name), m.text);
  }
}

export function writeGeneratedCorpus(dir: string, files: number, statements: number): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= files; i++) fs.writeFileSync(path.join(dir, `${String(i).padStart(4, '0')}_bench.sql`), generatedMigration(statements, i));
}
