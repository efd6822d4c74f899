/**
 * The one interface every migration-file format implements: our own (native) and the formats of the tools
 * teams adopt us from (golang-migrate, dbmate, Flyway, node-pg-migrate, Sqitch). A format turns a directory
 * into MigrationFile values; everything after that (plan, run, status, lint, verify) is format-blind.
 */
import type { MigrationError } from '../errors';
import type { MigrationFile } from '../migration-file';

export const FORMAT_NAMES = ['native', 'golang-migrate', 'dbmate', 'flyway', 'node-pg-migrate', 'sqitch'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** Something a format read but that did not stop it (a tolerated odd name, an unsupported file kept out of the run). */
export interface FormatWarning {
  file: string;
  line?: number;
  message: string;
  hint: string;
}

export interface FormatOptions {
  /** Paths in messages and in MigrationFile.file are relative to this directory (the project root). */
  displayRoot?: string;
  /** Flyway-style ${name} placeholders from the config ("placeholders"). */
  placeholders?: Record<string, string>;
  /** The history table (config "history"): Flyway's ${flyway:defaultSchema} and ${flyway:table} name it. */
  history?: { schema: string; table: string };
  /**
   * parseText only: the migrations directory, when known. A format whose migration spans files (golang-migrate's
   * .up.sql/.down.sql, Flyway's U file, Sqitch's sqitch.plan and revert script) reads the others from it, so --lint
   * can compare a down with its up. Without it parseText reads the one file alone.
   */
  dir?: string;
}

/** What a format finds in a directory's entry names, every problem at once (read() stops at the first). */
export interface FormatSurvey {
  /** What read() refuses: a name that does not fit the format, a file without its partner, an unsupported file. */
  problems: MigrationError[];
  warnings: FormatWarning[];
}

export interface FormatRead {
  /** Versioned migrations in version order, then repeatable ones in name order. */
  migrations: MigrationFile[];
  warnings: FormatWarning[];
}

export interface MigrationFormat {
  readonly name: FormatName;
  /** How strongly the directory's entry names say "this format": 0 = not at all; the highest score wins auto-detection. */
  detect(names: readonly string[], dir: string): number;
  /** Every migration of `dir`. Bad input is a MigrationError naming the file, the line and the fix. */
  read(dir: string, options: FormatOptions): FormatRead;
  /**
   * One file as --lint and the editor see it, or null when the name is not one of this format's migration
   * files. A file holding only a down section (golang-migrate's .down.sql, Flyway's U file, Sqitch's revert
   * script) comes back with up '' and the SQL in `down`.
   */
  parseText(text: string, file: string, baseName: string, options: FormatOptions): MigrationFile | null;
  /**
   * The problems and warnings the directory's entry names alone show (no file is read); --lint reports each at its
   * file. Formats without one report problems only through read() and parseText().
   */
  survey?(names: readonly string[], dir: string, options: FormatOptions): FormatSurvey;
  /**
   * Whether a *.sql file at `relativePath` (inside the migrations directory, "/"-separated) is one of its migration
   * scripts, for --lint and the editor. Absent: the files directly in the directory are.
   */
  ownsPath?(relativePath: string): boolean;
}
