/**
 * Every failure a user can cause is a MigrationError: a stable code, a
 * sentence naming what went wrong (file and line where there is one) and a
 * hint saying how to fix it. The CLI maps `exitCode` straight to the process
 * exit status, so the codes below are part of the documented interface.
 */

export const ExitCode = {
  Success: 0,
  MigrationFailed: 1,
  UsageOrConfig: 2,
  LockNotAcquired: 3,
  DriftDetected: 4,
  ConnectionFailed: 5,
  LintErrors: 6,
  BackupFailed: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'E_MISSING_UP_MARKER'
  | 'E_DUPLICATE_MARKER'
  | 'E_MARKER_ORDER'
  | 'E_BAD_DIRECTIVE'
  | 'E_BAD_FILENAME'
  | 'E_UNPAIRED_FILE'
  | 'E_UNSUPPORTED_FILE'
  | 'E_DUPLICATE_VERSION'
  | 'E_UNREADABLE_FILE'
  | 'E_NOT_A_FILE'
  | 'E_NOT_A_DIRECTORY'
  | 'E_NOT_WRITABLE'
  | 'E_NAME_TOO_LONG'
  | 'E_HISTORY_PRIVILEGE'
  | 'E_BAD_ENCODING'
  | 'E_UNKNOWN_PLACEHOLDER'
  | 'E_BAD_PLAN'
  | 'E_NO_MIGRATIONS_DIR'
  | 'E_CONFIG_NOT_FOUND'
  | 'E_CONFIG_PARSE'
  | 'E_CONFIG_INVALID'
  | 'E_UNKNOWN_ENVIRONMENT'
  | 'E_ENV_VAR_MISSING'
  | 'E_ENV_FILE_NOT_FOUND'
  | 'E_BAD_URL'
  | 'E_USAGE'
  | 'E_TEMPLATE_NOT_FOUND'
  | 'E_MIGRATION_EXISTS'
  | 'E_UNKNOWN_VERSION'
  | 'E_IRREVERSIBLE'
  | 'E_MIGRATION_FAILED'
  | 'E_SEED_FAILED'
  | 'E_LOCK_TIMEOUT'
  | 'E_DATA_DIR_LOCKED'
  | 'E_CONNECTION'
  | 'E_AUTH'
  | 'E_DATABASE_MISSING'
  | 'E_DRIFT'
  | 'E_OUT_OF_ORDER'
  | 'E_DIRTY'
  | 'E_IMPORT_NO_TABLE'
  | 'E_IMPORT_AMBIGUOUS'
  | 'E_IMPORT_TABLE_SHAPE'
  | 'E_IMPORT_CONFLICT'
  | 'E_CONVERT'
  | 'E_PROTECTED'
  | 'E_BACKUP_FAILED'
  | 'E_BACKUP_NOT_FOUND'
  | 'E_BACKUP_CORRUPT'
  | 'E_RESTORE_FAILED'
  | 'E_VERIFY_FAILED'
  | 'E_DEPENDENCY'
  | 'E_NON_TRANSACTIONAL'
  | 'E_SQL_SYNTAX'
  | 'E_SHADOW_EXTENSION'
  | 'E_SHADOW_REPLAY'
  | 'E_SCHEMA_DUMP_STALE';

const exitCodeFor: Record<ErrorCode, ExitCode> = {
  E_MISSING_UP_MARKER: ExitCode.UsageOrConfig,
  E_DUPLICATE_MARKER: ExitCode.UsageOrConfig,
  E_MARKER_ORDER: ExitCode.UsageOrConfig,
  E_BAD_DIRECTIVE: ExitCode.UsageOrConfig,
  E_BAD_FILENAME: ExitCode.UsageOrConfig,
  E_UNPAIRED_FILE: ExitCode.UsageOrConfig,
  E_UNSUPPORTED_FILE: ExitCode.UsageOrConfig,
  E_DUPLICATE_VERSION: ExitCode.UsageOrConfig,
  E_UNREADABLE_FILE: ExitCode.UsageOrConfig,
  E_NOT_A_FILE: ExitCode.UsageOrConfig,
  E_NOT_A_DIRECTORY: ExitCode.UsageOrConfig,
  E_NOT_WRITABLE: ExitCode.UsageOrConfig,
  E_NAME_TOO_LONG: ExitCode.UsageOrConfig,
  E_HISTORY_PRIVILEGE: ExitCode.UsageOrConfig,
  E_BAD_ENCODING: ExitCode.UsageOrConfig,
  E_UNKNOWN_PLACEHOLDER: ExitCode.UsageOrConfig,
  E_BAD_PLAN: ExitCode.UsageOrConfig,
  E_NO_MIGRATIONS_DIR: ExitCode.UsageOrConfig,
  E_CONFIG_NOT_FOUND: ExitCode.UsageOrConfig,
  E_CONFIG_PARSE: ExitCode.UsageOrConfig,
  E_CONFIG_INVALID: ExitCode.UsageOrConfig,
  E_UNKNOWN_ENVIRONMENT: ExitCode.UsageOrConfig,
  E_ENV_VAR_MISSING: ExitCode.UsageOrConfig,
  E_ENV_FILE_NOT_FOUND: ExitCode.UsageOrConfig,
  E_BAD_URL: ExitCode.UsageOrConfig,
  E_USAGE: ExitCode.UsageOrConfig,
  E_TEMPLATE_NOT_FOUND: ExitCode.UsageOrConfig,
  E_MIGRATION_EXISTS: ExitCode.UsageOrConfig,
  E_UNKNOWN_VERSION: ExitCode.UsageOrConfig,
  E_IRREVERSIBLE: ExitCode.UsageOrConfig,
  E_PROTECTED: ExitCode.UsageOrConfig,
  E_MIGRATION_FAILED: ExitCode.MigrationFailed,
  E_SEED_FAILED: ExitCode.MigrationFailed,
  E_LOCK_TIMEOUT: ExitCode.LockNotAcquired,
  E_DATA_DIR_LOCKED: ExitCode.LockNotAcquired,
  E_CONNECTION: ExitCode.ConnectionFailed,
  E_AUTH: ExitCode.ConnectionFailed,
  E_DATABASE_MISSING: ExitCode.ConnectionFailed,
  E_DRIFT: ExitCode.DriftDetected,
  E_OUT_OF_ORDER: ExitCode.DriftDetected,
  E_DIRTY: ExitCode.DriftDetected,
  E_IMPORT_NO_TABLE: ExitCode.UsageOrConfig,
  E_IMPORT_AMBIGUOUS: ExitCode.UsageOrConfig,
  E_IMPORT_TABLE_SHAPE: ExitCode.UsageOrConfig,
  E_IMPORT_CONFLICT: ExitCode.UsageOrConfig,
  E_CONVERT: ExitCode.UsageOrConfig,
  E_BACKUP_FAILED: ExitCode.BackupFailed,
  E_BACKUP_NOT_FOUND: ExitCode.UsageOrConfig,
  E_BACKUP_CORRUPT: ExitCode.BackupFailed,
  E_RESTORE_FAILED: ExitCode.BackupFailed,
  E_VERIFY_FAILED: ExitCode.MigrationFailed,
  E_DEPENDENCY: ExitCode.UsageOrConfig,
  E_NON_TRANSACTIONAL: ExitCode.UsageOrConfig,
  E_SQL_SYNTAX: ExitCode.UsageOrConfig,
  E_SHADOW_EXTENSION: ExitCode.UsageOrConfig,
  E_SHADOW_REPLAY: ExitCode.UsageOrConfig,
  E_SCHEMA_DUMP_STALE: ExitCode.DriftDetected,
};

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
}

export class MigrationError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly location: ErrorLocation;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, hint: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
    this.code = code;
    this.hint = hint;
    this.location = location;
    this.exitCode = exitCodeFor[code];
  }

  /** `file:line:col: message` then the hint, as compilers print it. */
  format(): string {
    const { file, line, column } = this.location;
    let where = '';
    if (file) where = line ? `${file}:${line}${column ? `:${column}` : ''}: ` : `${file}: `;
    return `${where}${this.message}\n  fix: ${this.hint}`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, hint: this.hint, ...this.location, exitCode: this.exitCode };
  }
}

export function isMigrationError(e: unknown): e is MigrationError {
  return e instanceof MigrationError;
}
