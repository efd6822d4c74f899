/** What the engine reports while it works; each shell shows these through core/report's event renderer. */
import type { BackupEntry } from './backups';

export type EngineEvent =
  | { type: 'lock-wait'; message: string }
  | { type: 'backup-done'; entry: BackupEntry }
  | { type: 'backup-skipped'; reason: string }
  /** index (1-based) and total: the migration's place in its run. */
  | { type: 'migration-start'; direction: 'up' | 'down'; id: string; index?: number; total?: number }
  | { type: 'migration-done'; direction: 'up' | 'down'; id: string; durationMs: number }
  | { type: 'seed-done'; file: string; durationMs: number }
  | { type: 'seed-progress'; table: string; rows: number; total: number }
  /** --seed loaded sample data last checked against its sources more than a year ago (or never dated). */
  | { type: 'data-stale'; dir: string; files: { file: string; asOf: string | null }[] }
  /** Something the migrations' format read but did not like (a dbmate "x.sql.sql" name): said once per run. */
  | { type: 'warning'; file: string; line?: number; message: string; hint: string }
  /** Each statement of a "-- transaction: none" migration, as it completes (they can run for long). */
  | { type: 'statement-done'; id: string; line: number; durationMs: number };
