/**
 * Distributed PostgreSQL (Citus). Migrations go to the coordinator, which propagates DDL on distributed and
 * reference tables to the shards; a worker node must never be migrated directly. On a coordinator each
 * migration session runs with citus.multi_shard_modify_mode = sequential, so a migration that mixes DDL with
 * writes to distributed tables in one transaction does not fail with "cannot perform DDL ... because there was
 * a parallel operation on a distributed table in the transaction" (the parallel mode opens one connection per
 * shard placement, and a later DDL in the same transaction must reuse them).
 *
 * The catalog is read by unqualified names (pg_extension, pg_dist_local_group, pg_dist_node), resolved through
 * the session's search_path: that is what lets a test put a recorded Citus catalog in front of pg_catalog on a
 * server without Citus.
 */
import type { Session } from '../db/database';
import { MigrationError } from '../errors';

export interface CitusCatalog {
  /** extversion of the citus extension, or null when it is not installed. */
  version: string | null;
  /** pg_dist_local_group.groupid: 0 on the coordinator. */
  localGroupId: number | null;
  /** Active worker nodes known to this node (pg_dist_node, groupid > 0). */
  workers: number;
}

export type CitusRole = 'none' | 'coordinator' | 'worker';

export interface CitusInfo extends CitusCatalog {
  role: CitusRole;
}

/** Reads what decides the node's role (three small catalog queries; one when Citus is absent). */
export async function readCitusCatalog(session: Session): Promise<CitusCatalog> {
  const ext = await session.query<{ extversion: string }>(`SELECT extversion::text AS extversion FROM pg_extension WHERE extname = 'citus'`);
  if (ext.rows.length === 0) return { version: null, localGroupId: null, workers: 0 };
  const group = await session.query<{ groupid: number }>('SELECT groupid::int AS groupid FROM pg_dist_local_group');
  const nodes = await session.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_dist_node WHERE groupid > 0 AND isactive AND noderole = 'primary'`);
  return { version: ext.rows[0]!.extversion, localGroupId: group.rows[0]?.groupid ?? null, workers: nodes.rows[0]?.n ?? 0 };
}

/** The node's role from its catalog: a pure function (unit-tested with recorded catalogs). */
export function citusRole(catalog: CitusCatalog): CitusRole {
  if (catalog.version === null) return 'none';
  return catalog.localGroupId === 0 ? 'coordinator' : 'worker';
}

export async function detectCitus(session: Session): Promise<CitusInfo> {
  const catalog = await readCitusCatalog(session);
  return { ...catalog, role: citusRole(catalog) };
}

/** Session settings a migration run on this node starts with. */
export function citusSessionSettings(info: CitusInfo): Record<string, string> {
  return info.role === 'coordinator' ? { 'citus.multi_shard_modify_mode': 'sequential' } : {};
}

/** A worker node is refused: its shards are changed through the coordinator, never directly. */
export function assertMigratable(info: CitusInfo, label: string): void {
  if (info.role !== 'worker') return;
  throw new MigrationError('E_CONFIG_INVALID',
    `${label} is a Citus worker node (citus ${info.version}, group ${info.localGroupId}): migrations must run on the coordinator, which propagates DDL to the shards`,
    'replace this target with the coordinator\'s URL');
}
