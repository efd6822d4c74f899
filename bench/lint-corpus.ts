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

/**
 * Small migrations for the lint comparison with squawk (bench/lint-agreement.ts): for every rule both linters have,
 * statements that should be reported (bad) and statements that should not (good), each case in its own file.
 * Every case runs against tables of an existing schema (observations, space_objects, missions) unless it creates
 * the table itself, so "a new, empty table" cases are here too: that is where the linters' judgement differs most.
 */
export interface RuleCase {
  rule: string;
  kind: 'bad' | 'good';
  /** The up section's statements. */
  sql: string[];
  /** Written with `-- transaction: none` (CONCURRENTLY, explicit BEGIN/COMMIT). */
  noTransaction?: boolean;
  /** Without the SET lock_timeout / statement_timeout prelude every other case starts with. */
  noTimeouts?: boolean;
}

const TIMEOUTS = ["SET lock_timeout = '2s';", "SET statement_timeout = '30s';"];
const NEW_TABLE = 'CREATE TABLE IF NOT EXISTS probe_readings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, probe text NOT NULL);';

const CASES: [string, 'bad' | 'good', string[], Partial<Pick<RuleCase, 'noTransaction' | 'noTimeouts'>>?][] = [
  ['adding-field-with-default', 'bad', ['ALTER TABLE observations ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();']],
  ['adding-field-with-default', 'bad', ['ALTER TABLE observations ADD COLUMN token uuid DEFAULT gen_random_uuid();']],
  ['adding-field-with-default', 'bad', ['ALTER TABLE observations ADD COLUMN total bigint GENERATED ALWAYS AS (object_id * 2) STORED;']],
  ['adding-field-with-default', 'good', ["ALTER TABLE observations ADD COLUMN status text DEFAULT 'new';", 'ALTER TABLE observations ADD COLUMN flagged boolean DEFAULT false;']],
  ['adding-field-with-default', 'good', ['ALTER TABLE observations ADD COLUMN recorded_at timestamptz DEFAULT now();']],
  ['adding-field-with-default', 'good', [NEW_TABLE, 'ALTER TABLE probe_readings ADD COLUMN token uuid DEFAULT gen_random_uuid();']],
  ['adding-foreign-key-constraint', 'bad', ['ALTER TABLE observations ADD CONSTRAINT observations_object_fk FOREIGN KEY (object_id) REFERENCES space_objects (id);']],
  ['adding-foreign-key-constraint', 'bad', ['ALTER TABLE observations ADD COLUMN mission_id bigint REFERENCES missions (id);']],
  ['adding-foreign-key-constraint', 'good', ['ALTER TABLE observations ADD CONSTRAINT observations_object_fk FOREIGN KEY (object_id) REFERENCES space_objects (id) NOT VALID;']],
  ['adding-foreign-key-constraint', 'good', ['ALTER TABLE observations VALIDATE CONSTRAINT observations_object_fk;']],
  ['adding-foreign-key-constraint', 'good', ['CREATE TABLE IF NOT EXISTS sightings (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, object_id bigint NOT NULL REFERENCES space_objects (id));']],
  ['adding-foreign-key-constraint', 'good', [NEW_TABLE, 'ALTER TABLE probe_readings ADD CONSTRAINT probe_readings_mission_fk FOREIGN KEY (id) REFERENCES missions (id);']],
  ['adding-not-nullable-field', 'bad', ['ALTER TABLE observations ALTER COLUMN note SET NOT NULL;']],
  ['adding-not-nullable-field', 'good', ['ALTER TABLE observations ADD CONSTRAINT observations_note_nn CHECK (note IS NOT NULL) NOT VALID;']],
  ['adding-not-nullable-field', 'good', ['ALTER TABLE observations VALIDATE CONSTRAINT observations_note_nn;', 'ALTER TABLE observations ALTER COLUMN note SET NOT NULL;']],
  ['adding-not-nullable-field', 'good', [NEW_TABLE, 'ALTER TABLE probe_readings ALTER COLUMN probe SET NOT NULL;']],
  ['adding-required-field', 'bad', ['ALTER TABLE observations ADD COLUMN quality bigint NOT NULL;']],
  ['adding-required-field', 'good', ['ALTER TABLE observations ADD COLUMN quality bigint NOT NULL DEFAULT 0;']],
  ['adding-required-field', 'good', [NEW_TABLE, 'ALTER TABLE probe_readings ADD COLUMN quality bigint NOT NULL;']],
  ['adding-serial-primary-key-field', 'bad', ['ALTER TABLE observations ADD PRIMARY KEY (id);']],
  ['adding-serial-primary-key-field', 'bad', ['ALTER TABLE observations ADD COLUMN row_id bigserial PRIMARY KEY;']],
  ['adding-serial-primary-key-field', 'good', ['ALTER TABLE observations ADD CONSTRAINT observations_pkey PRIMARY KEY USING INDEX observations_id_idx;']],
  ['ban-char-field', 'bad', ['CREATE TABLE IF NOT EXISTS country_codes (code char(2) NOT NULL, name text NOT NULL);']],
  ['ban-char-field', 'bad', ['ALTER TABLE observations ADD COLUMN band character(1);']],
  ['ban-char-field', 'good', ['CREATE TABLE IF NOT EXISTS country_codes (code text NOT NULL CHECK (char_length(code) = 2), name text NOT NULL);']],
  ['ban-concurrent-index-creation-in-transaction', 'bad', ['CREATE INDEX CONCURRENTLY IF NOT EXISTS observations_note_idx ON observations (note);']],
  ['ban-concurrent-index-creation-in-transaction', 'good', ['CREATE INDEX CONCURRENTLY IF NOT EXISTS observations_note_idx ON observations (note);'], { noTransaction: true }],
  ['ban-drop-column', 'bad', ['ALTER TABLE observations DROP COLUMN IF EXISTS legacy_code;']],
  ['ban-drop-column', 'good', ['ALTER TABLE observations ADD COLUMN IF NOT EXISTS legacy_code text;']],
  ['ban-drop-database', 'bad', ['DROP DATABASE IF EXISTS staging_copy;'], { noTransaction: true }],
  ['ban-drop-not-null', 'bad', ['ALTER TABLE observations ALTER COLUMN note DROP NOT NULL;']],
  ['ban-drop-table', 'bad', ['DROP TABLE IF EXISTS old_observations;']],
  ['ban-drop-table', 'bad', ['DROP TABLE IF EXISTS old_observations, old_sightings CASCADE;']],
  ['ban-duplicate-column-assignments', 'bad', ["UPDATE observations SET note = 'a', note = 'b' WHERE id = 1;"]],
  ['ban-duplicate-column-assignments', 'bad', ["INSERT INTO observations (object_id, note, note) VALUES (1, 'a', 'b');"]],
  ['ban-duplicate-column-assignments', 'good', ["UPDATE observations SET note = 'a', object_id = 2 WHERE id = 1;"]],
  ['ban-truncate-cascade', 'bad', ['TRUNCATE observations CASCADE;']],
  ['ban-truncate-cascade', 'good', ['TRUNCATE observations;']],
  ['ban-uncommitted-transaction', 'bad', ['BEGIN;', "UPDATE observations SET note = 'x' WHERE id = 1;"], { noTransaction: true }],
  ['ban-uncommitted-transaction', 'good', ['BEGIN;', "UPDATE observations SET note = 'x' WHERE id = 1;", 'COMMIT;'], { noTransaction: true }],
  ['changing-column-type', 'bad', ['ALTER TABLE observations ALTER COLUMN object_id TYPE numeric;']],
  ['changing-column-type', 'bad', ['ALTER TABLE observations ALTER COLUMN note SET DATA TYPE varchar(200);']],
  ['changing-column-type', 'good', [NEW_TABLE, 'ALTER TABLE probe_readings ALTER COLUMN probe TYPE varchar(40);']],
  ['constraint-missing-not-valid', 'bad', ['ALTER TABLE observations ADD CONSTRAINT observations_quality_check CHECK (object_id > 0);']],
  ['constraint-missing-not-valid', 'good', ['ALTER TABLE observations ADD CONSTRAINT observations_quality_check CHECK (object_id > 0) NOT VALID;']],
  ['constraint-missing-not-valid', 'good', [NEW_TABLE, 'ALTER TABLE probe_readings ADD CONSTRAINT probe_check CHECK (probe <> \'\');']],
  ['disallowed-unique-constraint', 'bad', ['ALTER TABLE observations ADD CONSTRAINT observations_uq UNIQUE (object_id, observed_at);']],
  ['disallowed-unique-constraint', 'good', ['ALTER TABLE observations ADD CONSTRAINT observations_uq UNIQUE USING INDEX observations_uq_idx;']],
  ['disallowed-unique-constraint', 'good', [NEW_TABLE, 'ALTER TABLE probe_readings ADD CONSTRAINT probe_uq UNIQUE (probe);']],
  ['identifier-too-long', 'bad', ['CREATE TABLE IF NOT EXISTS observations_of_near_earth_objects_by_ground_based_survey_telescopes (id bigint);']],
  ['identifier-too-long', 'good', ['CREATE TABLE IF NOT EXISTS neo_ground_observations (id bigint);']],
  ['prefer-bigint-over-int', 'bad', ['CREATE TABLE IF NOT EXISTS counters (id bigint PRIMARY KEY, hits integer NOT NULL);']],
  ['prefer-bigint-over-int', 'bad', ['ALTER TABLE observations ADD COLUMN orbit int4;']],
  ['prefer-bigint-over-int', 'good', ['CREATE TABLE IF NOT EXISTS counters (id bigint PRIMARY KEY, hits bigint NOT NULL);']],
  ['prefer-bigint-over-smallint', 'bad', ['CREATE TABLE IF NOT EXISTS counters (id bigint PRIMARY KEY, hits smallint NOT NULL);']],
  ['prefer-bigint-over-smallint', 'bad', ['ALTER TABLE observations ADD COLUMN grade int2;']],
  ['prefer-identity', 'bad', ['CREATE TABLE IF NOT EXISTS launches (id bigserial PRIMARY KEY, name text);']],
  ['prefer-identity', 'bad', ['CREATE TABLE IF NOT EXISTS launches (id serial PRIMARY KEY, name text);']],
  ['prefer-identity', 'good', ['CREATE TABLE IF NOT EXISTS launches (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text);']],
  ['prefer-robust-stmts', 'bad', ['CREATE TABLE launch_sites (id bigint PRIMARY KEY, name text NOT NULL);', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS observations_band_idx ON observations (band);'], { noTransaction: true }],
  ['prefer-robust-stmts', 'bad', ['CREATE INDEX CONCURRENTLY observations_note_idx ON observations (note);', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS observations_band_idx ON observations (band);'], { noTransaction: true }],
  ['prefer-robust-stmts', 'bad', ['ALTER TABLE observations ADD COLUMN band text;', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS observations_band_idx ON observations (band);'], { noTransaction: true }],
  ['prefer-robust-stmts', 'good', ['CREATE INDEX CONCURRENTLY IF NOT EXISTS observations_note_idx ON observations (note);'], { noTransaction: true }],
  ['prefer-robust-stmts', 'good', ['CREATE TABLE launch_sites (id bigint PRIMARY KEY, name text NOT NULL);', 'ALTER TABLE observations ADD COLUMN band text;']],
  ['prefer-robust-stmts', 'bad', ['DROP TABLE old_launch_sites;', 'ALTER TABLE observations DROP COLUMN IF EXISTS legacy_band;'], { noTransaction: true }],
  ['prefer-robust-stmts', 'bad', ['BEGIN;', 'CREATE TABLE launch_pads (id bigint PRIMARY KEY);', 'COMMIT;', 'CREATE TABLE launch_crews (id bigint PRIMARY KEY);', 'DROP TABLE IF EXISTS old_crews;'], { noTransaction: true }],
  ['prefer-text-field', 'bad', ['CREATE TABLE IF NOT EXISTS crews (id bigint PRIMARY KEY, callsign varchar(40) NOT NULL);']],
  ['prefer-text-field', 'bad', ['ALTER TABLE observations ADD COLUMN site character varying(100);']],
  ['prefer-text-field', 'good', ['CREATE TABLE IF NOT EXISTS crews (id bigint PRIMARY KEY, callsign text NOT NULL);']],
  ['prefer-timestamptz', 'bad', ['CREATE TABLE IF NOT EXISTS passes (id bigint PRIMARY KEY, at timestamp NOT NULL);']],
  ['prefer-timestamptz', 'bad', ['ALTER TABLE observations ADD COLUMN logged_at timestamp without time zone;']],
  ['prefer-timestamptz', 'good', ['CREATE TABLE IF NOT EXISTS passes (id bigint PRIMARY KEY, at timestamptz NOT NULL);']],
  ['renaming-column', 'bad', ['ALTER TABLE observations RENAME COLUMN note TO remarks;']],
  ['renaming-table', 'bad', ['ALTER TABLE observations RENAME TO sightings;']],
  ['require-concurrent-index-creation', 'bad', ['CREATE INDEX IF NOT EXISTS observations_note_idx ON observations (note);']],
  ['require-concurrent-index-creation', 'bad', ['CREATE UNIQUE INDEX IF NOT EXISTS observations_obj_at_idx ON observations (object_id, observed_at);']],
  ['require-concurrent-index-creation', 'good', [NEW_TABLE, 'CREATE INDEX IF NOT EXISTS probe_readings_probe_idx ON probe_readings (probe);']],
  ['require-concurrent-index-deletion', 'bad', ['DROP INDEX IF EXISTS observations_note_idx;']],
  ['require-concurrent-index-deletion', 'good', ['DROP INDEX CONCURRENTLY IF EXISTS observations_note_idx;'], { noTransaction: true }],
  ['require-enum-value-ordering', 'bad', ["ALTER TYPE observation_kind ADD VALUE 'radar';"]],
  ['require-enum-value-ordering', 'good', ["ALTER TYPE observation_kind ADD VALUE 'radar' AFTER 'optical';"]],
  ['require-lock-timeout', 'bad', ['ALTER TABLE observations ADD COLUMN band text;'], { noTimeouts: true }],
  ['require-lock-timeout', 'bad', ["SET statement_timeout = '30s';", 'CREATE INDEX IF NOT EXISTS observations_band_idx ON observations (band);'], { noTimeouts: true }],
  ['require-lock-timeout', 'good', ["SET lock_timeout = '2s';", "SET statement_timeout = '30s';", 'ALTER TABLE observations ADD COLUMN band text;'], { noTimeouts: true }],
  ['require-lock-timeout', 'good', [NEW_TABLE, "INSERT INTO probe_readings (probe) VALUES ('voyager-1');"], { noTimeouts: true }],
  ['require-statement-timeout', 'bad', ["SET lock_timeout = '2s';", 'ALTER TABLE observations ALTER COLUMN object_id TYPE numeric;'], { noTimeouts: true }],
  ['require-statement-timeout', 'good', ["SET LOCAL lock_timeout = '2s';", "SET LOCAL statement_timeout = '30s';", 'ALTER TABLE observations ADD COLUMN band text;'], { noTimeouts: true }],
  ['transaction-nesting', 'bad', ['BEGIN;', "UPDATE observations SET note = 'x' WHERE id = 1;", 'COMMIT;']],
  ['transaction-nesting', 'good', ['BEGIN;', "UPDATE observations SET note = 'x' WHERE id = 1;", 'COMMIT;'], { noTransaction: true }],
];

export function ruleCases(): RuleCase[] {
  return CASES.map(([rule, kind, sql, flags]) => ({ rule, kind, sql, ...flags }));
}

/** Writes every rule case as its own migration (NNNN_rule_kind.sql, with a down section) into dir. */
export function writeRuleCaseCorpus(dir: string): number {
  fs.mkdirSync(dir, { recursive: true });
  const cases = ruleCases();
  cases.forEach((c, i) => {
    const header = [`-- ${c.rule}: ${c.kind} case.`, ...(c.noTransaction ? ['-- transaction: none'] : [])];
    const up = [...(c.noTimeouts ? [] : TIMEOUTS), ...c.sql];
    const text = [...header, '-- Up migration', ...up, '', '-- Down migration', 'SELECT 1;', ''].join('\n');
    fs.writeFileSync(path.join(dir, `${String(i + 1).padStart(4, '0')}_${c.rule.replace(/-/g, '_')}_${c.kind}.sql`), text);
  });
  return cases.length;
}
