/** Where a run goes and how it connects, as reports name it. */
import { describeTarget, type ResolvedEnvironment } from '../config';

/** "development (postgres://app@db/portal)": the environment and its redacted target, as every report names it. */
export function describeWhere(environment: ResolvedEnvironment, root?: string): string {
  return `${environment.name} (${describeTarget(environment.target, root)})`;
}

/** Pool and session settings of a server environment, as a status check shows them; null for the embedded database. */
export function describePool(environment: ResolvedEnvironment): string | null {
  const s = environment.settings;
  if (environment.target.kind !== 'postgres') return null;
  const parts = [`pool max ${s.pool?.max ?? 10}`, `idle ${s.pool?.idleTimeoutMillis ?? 10000} ms`, `connect timeout ${s.pool?.connectionTimeoutMillis ?? 10000} ms`,
    `statement_timeout ${s.statementTimeoutMs ?? 'server default'}${s.statementTimeoutMs !== undefined ? ' ms' : ''}`,
    `lock_timeout ${s.lockTimeoutMs ?? 'server default'}${s.lockTimeoutMs !== undefined ? ' ms' : ''}`,
    `application_name ${s.applicationName ?? 'database-migration'}`, `ssl ${s.ssl === undefined ? 'default' : typeof s.ssl === 'boolean' ? String(s.ssl) : 'on'}`];
  return `Connection: ${parts.join(', ')}`;
}
