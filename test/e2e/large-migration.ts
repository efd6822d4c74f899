/** A realistic large migration of exactly `lines` lines: many small tables, and one index without CONCURRENTLY at the end of up (e2e test and bench/extension.ts). */
export function largeMigration(lines: number): string {
  const tables = Math.floor((lines - 6) / 7);
  const up: string[] = [];
  for (let i = 0; i < tables; i++) {
    up.push(`CREATE TABLE catalogue_${i} (`, '    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,', '    name text NOT NULL,',
      '    observed_at timestamptz NOT NULL DEFAULT now()', ');', '');
  }
  const down = ['DROP INDEX IF EXISTS idx_catalogue_last;'];
  for (let j = tables - 1; j >= 0; j--) down.push(`DROP TABLE IF EXISTS catalogue_${j};`);
  const out = ['-- A large catalogue migration to time diagnostics.', '-- Up migration', ...up,
    'CREATE INDEX idx_catalogue_last ON missions (target);', '', '-- Down migration', ...down];
  while (out.length < lines) out.splice(2, 0, '-- (padding)');
  return out.join('\n') + '\n';
}
