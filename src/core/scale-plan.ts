/**
 * --seed --scale N for the tables the config names ("seed": {"scale": {"tables": ...}}): reads each table from
 * the catalog, builds a generator per column (the config's, else one chosen from the column's type, enum,
 * foreign key, unique index or CHECK ... IN list), orders the tables so that referenced ones are filled first,
 * and appends the rows with COPY. Deterministic for a given random seed, config and starting data.
 */
import type { ColumnGeneratorConfig, ScaleConfig, ScaleTableConfig } from './config';
import type { Session } from './db/database';
import { MigrationError } from './errors';
import { qualify, readScaleTable, type ScaleColumn, type ScaleTable } from './scale-catalog';
import { quoteIdent } from './history';
import {
  configError, copyText, hashSeed, NULL_TEXT, parseMoment, patternGenerator, picker, random, uniformInt, uuid, withNulls, type Generate,
} from './scale-generators';

/** One table to fill: its columns for COPY and their generators. */
export interface TablePlan {
  table: ScaleTable;
  rows: number;
  columns: string[];
  generators: Generate[];
}

interface Build {
  session: Session;
  key: string;
  table: ScaleTable;
  seed: number;
  now: number;
  file: string | null;
  /** Rows the table held before this run: {seq} and sequences continue after them. */
  existing: number;
}

const YEAR_MS = 365 * 86400000;

/** The moment relative timestamps count from: the config's "now", else the start of the current UTC day. */
export function scaleNow(config: ScaleConfig, file: string | null, clock: number = Date.now()): number {
  if (config.now === undefined) return Math.floor(clock / 86400000) * 86400000;
  const t = parseMoment(config.now, clock);
  if (Number.isNaN(t) || config.now.startsWith('now')) {
    throw configError('seed.scale.now', `is ${JSON.stringify(config.now)}, not an ISO date or timestamp`, 'write e.g. "2025-01-01" or "2025-01-01T00:00:00Z"', file);
  }
  return t;
}

function rowsFor(name: string, t: ScaleTableConfig, n: number, file: string | null): number {
  if (t.rows !== undefined && t.perScale !== undefined) {
    throw configError(`seed.scale.tables.${name}`, 'has both "rows" and "perScale"', 'keep one: "rows" is a fixed count, "perScale" multiplies --scale N', file);
  }
  return t.rows ?? Math.round((t.perScale ?? 1) * n);
}

/**
 * Plans every configured table, referenced tables first, and hands each plan to `fill` before planning the next
 * (so a foreign key picks among the rows just generated). Unknown tables and columns are errors before any row.
 */
export async function planScale(session: Session, config: ScaleConfig, n: number, file: string | null, fill: (plan: TablePlan) => Promise<void>): Promise<void> {
  const now = scaleNow(config, file);
  const entries = Object.entries(config.tables ?? {});
  const tables: { name: string; conf: ScaleTableConfig; table: ScaleTable }[] = [];
  for (const [name, conf] of entries) {
    const table = await readScaleTable(session, name);
    if (!table) {
      throw new MigrationError('E_USAGE', `--scale: table ${name} (seed.scale.tables) does not exist in this database; nothing was generated`,
        'apply the migrations that create it first (--up), or correct the name in database-migration.config.json ("schema.table" for another schema)');
    }
    for (const col of Object.keys(conf.columns ?? {})) {
      if (!table.columns.some((c) => c.name === col)) {
        throw configError(`seed.scale.tables.${name}.columns.${col}`, `names a column table ${name} does not have`,
          `its columns are: ${table.columns.map((c) => c.name).join(', ')}`, file);
      }
    }
    tables.push({ name, conf, table });
  }
  const rows = tables.map((t) => rowsFor(t.name, t.conf, n, file));
  for (const t of fillOrder(tables)) {
    const [{ c }] = (await session.query<{ c: string }>(`SELECT count(*)::text AS c FROM ${t.table.qualified}`)).rows as [{ c: string }];
    const build: Build = { session, key: `seed.scale.tables.${t.name}`, table: t.table, seed: config.randomSeed ?? 1, now, file, existing: Number(c) };
    await fill({ table: t.table, rows: rows[tables.indexOf(t)]!, ...(await columnGenerators(build, t.conf)) });
  }
}

/** Tables in config order, except that a table comes after the configured tables its foreign keys reference. */
function fillOrder<T extends { table: ScaleTable }>(tables: T[]): T[] {
  const regclass = (name: string) => name.replace(/"/g, '');
  const done: T[] = [];
  const pending = [...tables];
  while (pending.length > 0) {
    const ready = pending.findIndex((t) => t.table.columns.every((c) => !c.references
      || regclass(c.references.table) === regclass(t.table.qualified) || !pending.some((o) => o !== t && sameTable(o.table, c.references!.table))));
    done.push(...pending.splice(ready < 0 ? 0 : ready, 1)); // a cycle: config order
  }
  return done;
}

function sameTable(t: ScaleTable, regclassText: string): boolean {
  const bare = (s: string) => s.replace(/"/g, '').replace(/^public\./, '');
  return bare(t.qualified) === bare(regclassText);
}

/** The COPY column list and one generator per column: the config's first, then the catalog's choice for the rest. */
async function columnGenerators(b: Build, conf: ScaleTableConfig): Promise<{ columns: string[]; generators: Generate[] }> {
  const columns: string[] = [];
  const generators: Generate[] = [];
  for (const col of b.table.columns) {
    const given = conf.columns?.[col.name];
    const key = `${b.key}.columns.${col.name}`;
    if (given === 'default') continue;
    if (col.readOnly) {
      if (given !== undefined) throw configError(key, 'is a generated or GENERATED ALWAYS identity column, which cannot be written', 'remove it from "columns"', b.file);
      continue;
    }
    // The rows already there are part of the seed: a second run continues with other values (unique columns stay unique).
    const rnd = random(hashSeed(`${b.seed}:${b.table.name}:${col.name}:${b.existing}`));
    const g = given !== undefined ? await configured(b, col, given, rnd, key) : await byCatalog(b, col, rnd, key);
    if (!g) continue;
    columns.push(col.name);
    generators.push(g);
  }
  return { columns, generators };
}

const KINDS = ['sequence', 'int', 'float', 'choice', 'pattern', 'timestamp', 'foreignKey', 'value'] as const;

/** A generator from the config's object (exactly one kind, plus nullFraction / weights). */
async function configured(b: Build, col: ScaleColumn, g: Exclude<ColumnGeneratorConfig, 'default'>, rnd: () => number, key: string): Promise<Generate> {
  const kinds = KINDS.filter((k) => k in g);
  if (kinds.length !== 1) {
    throw configError(key, kinds.length === 0 ? 'names no generator' : `names ${kinds.length} generators (${kinds.join(', ')})`,
      `give exactly one of ${KINDS.join(', ')} (with "nullFraction" if some rows should be NULL), or "default"`, b.file);
  }
  if (g.weights && !g.choice) throw configError(key, 'has "weights" without "choice"', 'weights go with a choice list, one per value', b.file);
  const base = await configuredKind(b, col, g, kinds[0]!, rnd, key);
  const nulls = g.nullFraction ?? 0;
  if (nulls > 0 && col.notNull) throw configError(key, `has nullFraction ${nulls}, but the column is NOT NULL`, 'remove "nullFraction"', b.file);
  return withNulls(base, nulls, random(hashSeed(`${b.seed}:${b.table.name}:${col.name}:${b.existing}:null`)));
}

async function configuredKind(b: Build, col: ScaleColumn, g: Exclude<ColumnGeneratorConfig, 'default'>, kind: typeof KINDS[number],
  rnd: () => number, key: string): Promise<Generate> {
  const range = (lo: number, hi: number) => {
    if (!(lo <= hi)) throw configError(`${key}.${kind}`, `has min ${lo} above max ${hi}`, 'swap them', b.file);
  };
  switch (kind) {
    case 'sequence': {
      const step = g.sequence!.step ?? 1;
      const start = g.sequence!.start ?? (await nextValue(b, col));
      return (row) => String(start + row * step);
    }
    case 'int': {
      const { min, max } = g.int!;
      range(min, max);
      return () => String(uniformInt(rnd, min, max));
    }
    case 'float': {
      const { min, max, decimals = 2 } = g.float!;
      range(min, max);
      return () => (min + rnd() * (max - min)).toFixed(decimals);
    }
    case 'choice': {
      const values = g.choice!;
      if (g.weights && (g.weights.length !== values.length || !g.weights.some((w) => w > 0))) {
        throw configError(`${key}.weights`, `has ${g.weights.length} weights for ${values.length} values`, 'give one weight (≥ 0, not all 0) per value', b.file);
      }
      const pick = picker(values.map(copyText), g.weights);
      return () => pick(rnd);
    }
    case 'pattern': return patternGenerator(g.pattern!, rnd, b.existing, `${key}.pattern`, b.file);
    case 'timestamp': return timestampGenerator(b, col, g.timestamp!, rnd, `${key}.timestamp`);
    case 'foreignKey': return foreignKeyGenerator(b, col, g.foreignKey === true ? col.references : parseReference(g.foreignKey!), rnd, key);
    default: {
      const v = copyText(g.value);
      return () => v;
    }
  }
}

function parseReference(text: string): { table: string; column: string } {
  const m = /^(.+)\((.+)\)$/.exec(text.trim())!;
  return { table: qualify(m[1]!.trim()), column: m[2]!.trim() };
}

/** The column's maximum + 1 (1 for an empty table): a sequence continues after the rows already there. */
async function nextValue(b: Build, col: ScaleColumn): Promise<number> {
  if (col.category !== 'N') return b.existing + 1;
  const q = quoteIdent(col.name);
  const r = await b.session.query<{ m: string | null }>(`SELECT max(${q})::text AS m FROM ${b.table.qualified}`);
  return Math.floor(Number(r.rows[0]?.m ?? 0)) + 1;
}

function timestampGenerator(b: Build, col: ScaleColumn, spec: { from: string; to: string }, rnd: () => number, key: string): Generate {
  const from = parseMoment(spec.from, b.now);
  const to = parseMoment(spec.to, b.now);
  for (const [k, v, t] of [['from', spec.from, from], ['to', spec.to, to]] as const) {
    if (Number.isNaN(t)) throw configError(`${key}.${k}`, `is ${JSON.stringify(v)}, not a moment`, 'write an ISO date or timestamp, "now", or "now-30d" (d, h, m, s)', b.file);
  }
  if (!(from <= to)) throw configError(key, `runs from ${spec.from} to the earlier ${spec.to}`, 'swap "from" and "to"', b.file);
  return moments(col, from, to, rnd);
}

/** Uniform moments in [from, to), as a date for date columns and as an ISO timestamp otherwise. */
function moments(col: ScaleColumn, from: number, to: number, rnd: () => number): Generate {
  const dateOnly = col.base === 'date';
  return () => {
    const iso = new Date(from + Math.floor(rnd() * Math.max(1, to - from))).toISOString();
    return dateOnly ? iso.slice(0, 10) : iso;
  };
}

/** Values of the referenced column, read now (after the tables filled before this one); NULL when there are none and the column allows it. */
async function foreignKeyGenerator(b: Build, col: ScaleColumn, ref: { table: string; column: string } | null, rnd: () => number, key: string): Promise<Generate> {
  if (!ref) throw configError(`${key}.foreignKey`, 'is true, but the column has no single-column foreign key', 'name the table to pick from: "foreignKey": "table(column)"', b.file);
  const q = quoteIdent(ref.column);
  // The first million values in order: enough variety for any test data set, and deterministic.
  const r = await b.session.query<{ v: string }>(`SELECT ${q}::text AS v FROM ${ref.table} WHERE ${q} IS NOT NULL ORDER BY ${q} LIMIT 1000000`);
  const values = r.rows.map((x) => copyText(x.v));
  if (values.length === 0) {
    if (!col.notNull) return () => NULL_TEXT;
    throw new MigrationError('E_SEED_FAILED', `--scale: ${b.table.name}.${col.name} must reference a row of ${ref.table}, which is empty; nothing was generated`,
      `seed ${ref.table} first, or add it to seed.scale.tables in database-migration.config.json so that it is filled first`);
  }
  return () => values[Math.floor(rnd() * values.length)]!;
}

/** The generator the catalog suggests for a column the config does not name, or null to leave it to its default. */
async function byCatalog(b: Build, col: ScaleColumn, rnd: () => number, key: string): Promise<Generate | null> {
  if (col.hasDefault) return null;
  if (col.references) return foreignKeyGenerator(b, col, col.references, rnd, key);
  if (col.allowed) {
    const pick = picker(col.allowed.map(copyText));
    return () => pick(rnd);
  }
  // A CHECK the generator cannot read would likely reject a made-up value: NULL always passes it.
  if (col.checked && !col.notNull) return null;
  if (col.enumLabels) {
    const pick = picker(col.enumLabels.map(copyText));
    return () => pick(rnd);
  }
  const g = await typeDefault(b, col, rnd);
  if (g) return g;
  if (!col.notNull) return null;
  throw configError(key, `(type ${col.type}, NOT NULL, no default) has no generator, and there is no built-in one for its type`,
    `add a generator for it under "${b.key}.columns" in database-migration.config.json (e.g. {"value": ...})`, b.file);
}

async function typeDefault(b: Build, col: ScaleColumn, rnd: () => number): Promise<Generate | null> {
  const intMax: Record<string, number> = { int2: 1000, int4: 100000, int8: 1000000 };
  if (col.base in intMax) {
    if (col.unique) {
      const start = await nextValue(b, col);
      return (row) => String(start + row);
    }
    return () => String(uniformInt(rnd, 0, intMax[col.base]!));
  }
  if (['numeric', 'float4', 'float8'].includes(col.base)) {
    const max = Math.min(1000, col.maxWhole ?? 1000);
    const decimals = Math.min(col.scale ?? 2, 6);
    return () => (rnd() * max).toFixed(decimals);
  }
  if (['text', 'varchar', 'bpchar', 'citext', 'name'].includes(col.base)) {
    const text = patternGenerator(`${col.name.replace(/[{}]/g, '')} {seq}`, rnd, b.existing, '', b.file);
    return col.maxLength ? (row) => text(row).slice(-col.maxLength!) : text;
  }
  switch (col.base) {
    case 'bool': return () => (rnd() < 0.5 ? 't' : 'f');
    case 'timestamptz': case 'timestamp': case 'date': return moments(col, b.now - YEAR_MS, b.now, rnd);
    case 'time': case 'timetz': return () => new Date(Math.floor(rnd() * 86400000)).toISOString().slice(11, 19);
    case 'interval': return () => `${uniformInt(rnd, 1, 3600)} seconds`;
    case 'uuid': return () => uuid(rnd);
    case 'json': case 'jsonb': return (row) => `{"synthetic": true, "row": ${b.existing + row + 1}}`;
    case 'inet': return () => `10.${uniformInt(rnd, 0, 255)}.${uniformInt(rnd, 0, 255)}.${uniformInt(rnd, 1, 254)}`;
    case 'cidr': return () => `10.${uniformInt(rnd, 0, 255)}.${uniformInt(rnd, 0, 255)}.0/24`;
    case 'bytea': return () => `\\\\x${uuid(rnd).replace(/-/g, '').slice(0, 16)}`;
    default: return col.category === 'A' ? () => '{}' : null;
  }
}
