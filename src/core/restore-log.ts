/**
 * The audit log is append-only across restores. A restore replaces the history
 * table (what is applied must match the restored schema) but not the log: every
 * row the log had before the restore — including the ones written after the
 * backup was taken — is carried through it, with the same ids, and the restore
 * row is appended, all in the restore's one transaction.
 *
 * How: before the wipe, the log is copied into a temporary table (temporary
 * schemas are never wiped); after the dump is loaded, the log table is emptied
 * and refilled from that copy and its identity sequence set past the highest id.
 * The log in the database is the whole truth of what happened to it; rows a
 * backup holds are a prefix of it (they were read from the same table), so
 * nothing is lost by not taking the backup's copy. Nothing passes through this
 * process, whatever the size of the log.
 */
import { literal, quoteIdent, type HistoryStore } from './history';

export interface RestoreRow {
  version: string | null;
  environment: string;
  performedBy: string;
  message: string;
}

const LOG_COLUMNS = 'id, occurred_at, action, version, name, success, duration_ms, environment, performed_by, message';
const SAVED = 'pg_temp.database_migration_saved_log';

/** SQL for the restore's transaction: `before` saves the log, `after` puts it back and appends the restore row. */
export function carryLogSql(store: HistoryStore, row: RestoreRow): { before: string; after: string } {
  const schema = store.names.schema;
  const before = `CREATE TEMPORARY TABLE database_migration_saved_log ON COMMIT DROP AS SELECT ${LOG_COLUMNS} FROM ${store.logTable};`;
  const after = `
DO $ensure$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ${literal(schema)}) THEN
    EXECUTE ${literal(`CREATE SCHEMA ${quoteIdent(schema)}`)};
  END IF;
END $ensure$;
${store.createTablesSql()};
DELETE FROM ${store.logTable};
INSERT INTO ${store.logTable} (${LOG_COLUMNS}) OVERRIDING SYSTEM VALUE SELECT ${LOG_COLUMNS} FROM ${SAVED} ORDER BY id;
SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(${literal(store.logTable)}, 'id'),
  GREATEST((SELECT pg_catalog.max(id) FROM ${store.logTable}), 1));
INSERT INTO ${store.logTable} (action, version, success, duration_ms, environment, performed_by, message)
VALUES ('restore', ${literal(row.version)}, true, (pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - pg_catalog.now()) * 1000)::integer,
  ${literal(row.environment)}, ${literal(row.performedBy)}, ${literal(row.message)});
`;
  return { before, after };
}
