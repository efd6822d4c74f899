/** A status panel's data for a busy fleet: 20 migrations, 8 targets with long URLs, one unreadable with a long error, drift. */
import { buildStatusMatrix, type MatrixInput } from '../../../src/core/fleet/matrix';
import type { HistoryRow } from '../../../src/core/history';
import { parseMigrationFile } from '../../../src/core/migration-file';
import { computeStatus } from '../../../src/core/planner';
import type { PanelData } from '../../../src/extension/model/status-panel-html';

export function busyFleetPanelData(now = new Date(2026, 11, 3, 14, 5, 9)): PanelData {
  const files = Array.from({ length: 20 }, (_, i) => {
    const v = `2026110${Math.floor(i / 10)}12${String(i % 10).padStart(2, '0')}00`;
    return parseMigrationFile(`-- Up migration\nCREATE TABLE t${i} (id bigint);\n-- Down migration\nDROP TABLE t${i};\n`, `migrations/${v}_create_table_number_${i}_for_the_tenant_archive.sql`, `${v}_x.sql`);
  });
  const inputs: MatrixInput[] = Array.from({ length: 8 }, (_, k) => {
    // Schema targets: the label has spaces (it could wrap).
    const label = k % 2 ? `postgres://deploy-user@tenant-database.internal.example.org:5432/portal schema tenant_${k}_archive` : `postgres://deploy-user@tenant-database-${k}.internal.example.org:5432/portal_tenant_${k}`;
    if (k === 5) return { key: `t${k}`, label, error: 'E_CONNECTION: could not connect to postgres://deploy-user@tenant-database-5.internal.example.org:5432/portal_tenant_5: connect ECONNREFUSED 10.0.0.5:5432 — check that the server is running and accepts TCP/IP connections' };
    const applied = 20 - (k % 4) * 4;
    const rows = files.slice(0, applied).map((f, i): HistoryRow => ({
      version: f.version, name: f.name, checksum: k === 3 && i === 2 ? 'changed' : f.checksum, downSql: 'DROP TABLE x;', status: k === 6 && i === applied - 1 ? 'running' : 'applied',
      transactional: true, appliedAt: now, appliedBy: 'ci', durationMs: 5, environment: 'tenants', batch: 1,
    } as HistoryRow));
    return { key: `t${k}`, label, statuses: computeStatus(files, rows, { environment: 'tenants' }) };
  });
  return {
    folder: 'nasa-portal', environment: 'tenants', database: 'fleet of 8 target(s)', statuses: [], log: [], backups: [], edges: [], canRun: true, updatedAt: now,
    fleet: buildStatusMatrix(inputs),
  };
}
