/**
 * The generated migration corpus, written in each tool's file layout. Every tool
 * gets byte-for-byte the same SQL for migration i: one table and one index.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Tool = 'ours' | 'node-pg-migrate' | 'postgrator' | 'dbmate' | 'graphile-migrate';

export function upSql(i: number): string {
  return `CREATE TABLE bench_t${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\n`
    + `CREATE INDEX bench_t${i}_name_idx ON bench_t${i} (name);\n`;
}

export function downSql(i: number): string {
  return `DROP TABLE bench_t${i};\n`;
}

const pad = (i: number, width = 5): string => String(i).padStart(width, '0');

/** Writes migrations 1..n for `tool` under `root`; returns the directory the tool should be pointed at. */
export function writeCorpus(tool: Tool, root: string, n: number): string {
  const dir = {
    ours: path.join(root, 'migrations'),
    'node-pg-migrate': path.join(root, 'migrations'),
    postgrator: path.join(root, 'migrations'),
    dbmate: path.join(root, 'db', 'migrations'),
    'graphile-migrate': path.join(root, 'migrations', 'committed'),
  }[tool];
  fs.mkdirSync(dir, { recursive: true });
  let previousHash: string | null = null;
  for (let i = 1; i <= n; i++) {
    const name = `create_t${i}`;
    switch (tool) {
      case 'ours':
      case 'node-pg-migrate':
        // Both read "-- Up migration" / "-- Down migration" sections.
        fs.writeFileSync(path.join(dir, `${pad(i)}_${name}.sql`), `-- Up migration\n${upSql(i)}\n-- Down migration\n${downSql(i)}`);
        break;
      case 'postgrator':
        fs.writeFileSync(path.join(dir, `${pad(i)}.do.${name}.sql`), upSql(i));
        fs.writeFileSync(path.join(dir, `${pad(i)}.undo.${name}.sql`), downSql(i));
        break;
      case 'dbmate':
        fs.writeFileSync(path.join(dir, `${pad(i)}_${name}.sql`), `-- migrate:up\n${upSql(i)}\n-- migrate:down\n${downSql(i)}`);
        break;
      case 'graphile-migrate': {
        // Committed migrations form a hash chain: sha1 of the previous hash, a newline and the trimmed body.
        const body = upSql(i).trim() + '\n';
        const hash = graphileHash(body, previousHash);
        fs.writeFileSync(path.join(dir, `${pad(i, 6)}.sql`), `--! Previous: ${previousHash ?? '-'}\n--! Hash: ${hash}\n\n${body}`);
        previousHash = hash;
        break;
      }
    }
  }
  if (tool === 'graphile-migrate') {
    fs.writeFileSync(path.join(root, '.gmrc'), JSON.stringify({ connectionString: undefined, migrationsFolder: './migrations' }));
  }
  return dir;
}

/** graphile-migrate's hash chain for migrations 1..n, as its history table records it. */
export function graphileChain(n: number): { filename: string; hash: string; previousHash: string | null }[] {
  const out: { filename: string; hash: string; previousHash: string | null }[] = [];
  let previousHash: string | null = null;
  for (let i = 1; i <= n; i++) {
    const hash = graphileHash(upSql(i).trim() + '\n', previousHash);
    out.push({ filename: `${pad(i, 6)}.sql`, hash, previousHash });
    previousHash = hash;
  }
  return out;
}

function graphileHash(body: string, previousHash: string | null): string {
  return `sha1:${createHash('sha1').update(`${((previousHash ?? '') + '\n' + body.trim()).trim()}\n`).digest('hex')}`;
}

export const padVersion = pad;

/** The floor scripts: every up section in order, each in BEGIN/COMMIT (per-file) or bare (for `psql -1`). */
export function writeFloorScripts(root: string, n: number): { perFile: string; single: string } {
  const perFile = path.join(root, 'floor-per-file.sql');
  const single = path.join(root, 'floor-single.sql');
  const a: string[] = [];
  const b: string[] = [];
  for (let i = 1; i <= n; i++) {
    a.push(`BEGIN;\n${upSql(i)}COMMIT;\n`);
    b.push(upSql(i));
  }
  fs.writeFileSync(perFile, a.join(''));
  fs.writeFileSync(single, b.join(''));
  return { perFile, single };
}
