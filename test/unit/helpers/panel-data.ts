/** A status panel's data as a busy project has it: long names, long log messages, many backups (issue 17's panel at ~850 px). */
import type { BackupEntry } from '../../../src/core/backups';
import type { HistoryRow, LogEntry } from '../../../src/core/history';
import { parseMigrationFile } from '../../../src/core/migration-file';
import { computeStatus } from '../../../src/core/planner';
import type { PanelData } from '../../../src/extension/model/status-panel-html';

export function busyPanelData(now = new Date(2026, 11, 3, 14, 5, 9)): PanelData {
  const names = ['create_space_objects', 'create_missions_and_agencies_with_launch_windows', 'add_observations_partitioned_by_month_for_telescope_archive',
    'create_nasa_api_response_cache_with_expiry', 'add_user_favorites_and_saved_searches'];
  const files = names.map((n, i) => {
    const v = String(i + 1).padStart(3, '0');
    return parseMigrationFile(`-- Up migration\nCREATE TABLE t${i} (id bigint);\n-- Down migration\nDROP TABLE t${i};\n`, `migrations/${v}_${n}.sql`, `${v}_${n}.sql`);
  });
  const rows: HistoryRow[] = files.slice(0, 4).map((f, i) => ({
    version: f.version, name: f.name, checksum: f.checksum, downSql: 'DROP TABLE x;', status: 'applied', transactional: true,
    appliedAt: new Date(now.getTime() - i * 3 * 86400000), appliedBy: 'mission-control-operator@jpl.nasa.gov', durationMs: 1234 * (i + 1), environment: 'development', batch: 1,
  }));
  const statuses = computeStatus(files, rows, { environment: 'development' });
  const log: LogEntry[] = [];
  for (let i = 0; i < 12; i++) {
    log.push({ id: i + 1, occurredAt: new Date(now.getTime() - i * 40 * 86400000), action: i % 3 === 0 ? 'backup' : 'up', version: files[i % 5]!.version, name: files[i % 5]!.name,
      success: i % 4 !== 3, durationMs: 20 * i, environment: 'development', performedBy: 'mission-control-operator@jpl.nasa.gov',
      message: i % 3 === 0 ? `backup 20261203T140509123Z_00${i % 5} (up, 1.2 MB); removed 3 old backups beyond keep=10: 20261101T000000000Z_001, 20261102T000000000Z_002, 20261103T000000000Z_003`
        : i % 4 === 3 ? 'line 12 (up): relation "observations_2026_12" already exists — the partition was created by hand; drop it or mark the migration applied with --resolve' : null });
  }
  const backups: BackupEntry[] = [0, 1, 2].map((i) => ({
    id: `20261203T14050${i}123Z_00${i + 2}_create_missions_and_agencies`, file: `b${i}.dump`, createdAt: new Date(now.getTime() - i * 86400000).toISOString(),
    environment: 'development', reason: 'up', versionBefore: `00${i + 1}`, versionAfter: `00${i + 2}`, format: 'custom', tool: 'pg_dump 17.2', sizeBytes: 1234567 * (i + 1),
    sha256: 'f'.repeat(64), serverVersion: '17.2', database: 'embedded PGlite (.migrations/pglite/development)',
  } as BackupEntry));
  return {
    folder: 'nasa-portal', environment: 'development', database: 'embedded PGlite (.migrations/pglite/development)', statuses, log, backups,
    edges: [{ from: '002', to: '001', reason: 'references space_objects (created by 001_create_space_objects)', declared: false }], canRun: true, updatedAt: now,
  };
}
