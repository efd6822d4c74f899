import type { MigrationFile } from '../core/migration-file';
import type { HistoryView } from './history';
import type { SchemaLookup } from './schema';
import type { AstNode, ParsedStatement } from '../sql/parse';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/** A replacement inside one statement: JS offsets in the statement text, end exclusive. */
export interface StatementEdit {
  statement: ParsedStatement;
  start: number;
  end: number;
  text: string;
}

export interface RuleFix {
  title: string;
  edits: StatementEdit[];
  /**
   * A migration header line the fix needs (e.g. "-- transaction: none" for CONCURRENTLY): it replaces the header's
   * line of the same directive, or goes above "-- Up migration". Ignored for a plain script.
   */
  header?: string;
}

export interface RuleReport {
  statement: ParsedStatement;
  /** Where in the statement: a node with a `location` (byte offset), a byte offset, or the statement start. */
  at?: AstNode | number | null;
  message: string;
  /** What to write instead. Defaults to the rule's help. */
  help?: string;
  fix?: RuleFix;
}

/** Per environment, whether the config sets a timeout (a non-zero value): the tool then sets it for every migration. */
export interface TimeoutCoverage {
  set: string[];
  unset: string[];
}

/** What rules may know of the project's config; empty when linting without one. */
export interface LintSettings {
  /** lockTimeoutMs / statementTimeoutMs across the environments a migration can run in. */
  timeouts?: { lockTimeoutMs: TimeoutCoverage; statementTimeoutMs: TimeoutCoverage };
}

export interface RuleContext {
  /** File name as shown in findings. */
  file: string;
  /** Which part is linted: a migration's up or down section, or a plain script. */
  section: 'up' | 'down' | 'script';
  statements: ParsedStatement[];
  /** The migration this section belongs to, when linting a migration file. */
  migration: MigrationFile | null;
  /** Both sections' statements of the migration (null for a script or a missing down section). */
  up: ParsedStatement[] | null;
  down: ParsedStatement[] | null;
  /** True when the section will run inside a transaction (a migration without "-- transaction: none"). */
  transactional: boolean;
  /** Target PostgreSQL major version (from config, else 15). */
  postgresVersion: number;
  /** The schema just before this migration, from the replayed history (the shadow), when it is known. */
  schema?: SchemaLookup | null;
  /** The migrations before and after this one, from their parse trees, when the file is part of a project's history. */
  history?: HistoryView | null;
  /** What the project's config says that rules depend on. */
  settings: LintSettings;
  report(r: RuleReport): void;
}

export interface Rule {
  id: string;
  defaultSeverity: Severity;
  /** One line: what the rule looks for. */
  description: string;
  /** One paragraph: why it matters, in plain words. */
  rationale: string;
  /** Default help line: what to write instead. */
  help: string;
  /** 'up' rules run on up sections and scripts, 'down' on down sections; default: every section. */
  sections?: ('up' | 'down' | 'script')[];
  /**
   * Which statements inside PL/pgSQL bodies the rule sees (besides the statements of the section). Those of DO
   * blocks run while the migration runs, so every rule sees them as it sees any statement (the default,
   * 'migration'). Function and procedure bodies run when called, later, outside the migration's transaction and
   * timeouts: only rules about the statement itself, not about migration-time locks or transactions, say 'all' to
   * see them too.
   */
  bodies?: 'migration' | 'all';
  check(ctx: RuleContext): void;
}

/** A text edit in the file: 1-based lines and columns, end exclusive. */
export interface TextEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  text: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  help: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  section: 'up' | 'down' | 'script' | 'file';
  /** File line where the reported statement starts (where a `-- lint-ignore` line goes above); absent for file-level findings. */
  statementLine?: number;
  fix?: { title: string; edits: TextEdit[] };
}
