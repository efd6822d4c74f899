/**
 * What the sidebar shows, computed from engine results without touching the
 * editor API (so mocha tests it): labels, descriptions, codicons, tooltips and
 * context values of the Migrations, Seeds and Backups views.
 */
import * as path from 'node:path';
import type { BackupEntry } from '../../core/backups';
import type { DependencyEdge } from '../../core/dependencies';
import type { MigrationFile } from '../../core/migration-file';
import { migrationId } from '../../core/migration-file';
import { isDue, type MigrationState, type MigrationStatus } from '../../core/planner';
import { formatBytes, formatDuration, formatTimestamp, stateText } from '../../core/report';

/** 'unknown': the files are read but the database was not asked yet. */
export type ItemState = MigrationState | 'unknown';

/** Codicon id and theme colour id for each state (the colour ids are VS Code's own). */
export const STATE_ICONS: Record<ItemState, { icon: string; color?: string }> = {
  applied: { icon: 'pass-filled', color: 'testing.iconPassed' },
  pending: { icon: 'circle-large-outline' },
  modified: { icon: 'diff-modified', color: 'editorWarning.foreground' },
  missing: { icon: 'question', color: 'editorError.foreground' },
  dirty: { icon: 'warning', color: 'editorError.foreground' },
  skipped: { icon: 'debug-step-over', color: 'disabledForeground' },
  outdated: { icon: 'sync', color: 'editorWarning.foreground' },
  unknown: { icon: 'circle-large-outline', color: 'disabledForeground' },
};

export interface MigrationItemModel {
  /** Stable id: "<folder>|<env>|<version>". */
  id: string;
  version: string;
  label: string;
  description: string;
  state: ItemState;
  icon: string;
  color?: string;
  /** Markdown. */
  tooltip: string;
  /** "migration.<state>" plus ".file" when it has a file, ".reversible" when it has down SQL: menus match on these. */
  contextValue: string;
  /** Absolute path of the migration file, or null when the file is gone. */
  file: string | null;
}

/** Escapes Markdown punctuation so file names like "001_a_b" render as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|<>]/g, '\\$&');
}

function dependencyLines(version: string, edges: DependencyEdge[], names: Map<string, string>): string[] {
  return edges.filter((e) => e.from === version).map((e) => `${names.get(e.to) ?? e.to} (${e.reason})`);
}

export interface TreeInput {
  folderKey: string;
  environment: string;
  /** Project root, to make file paths absolute. */
  root: string;
  /** From engine.status() when the database was asked, else null. */
  statuses: MigrationStatus[] | null;
  /** The files on disk, used while statuses is null. */
  files: MigrationFile[];
  edges: DependencyEdge[];
}

function absolute(root: string, file: string): string {
  return path.isAbsolute(file) ? file : path.join(root, file);
}

/** One tree item per migration, oldest first. */
export function migrationItems(input: TreeInput): MigrationItemModel[] {
  const rows: { version: string; name: string; state: ItemState; outOfOrder: boolean; file: MigrationFile | null; status: MigrationStatus | null }[] =
    input.statuses
      ? input.statuses.map((s) => ({ version: s.version, name: s.name, state: s.state, outOfOrder: s.outOfOrder, file: s.file, status: s }))
      : input.files.map((f) => ({ version: f.version, name: f.name, state: 'unknown' as const, outOfOrder: false, file: f, status: null }));
  const names = new Map(rows.map((r) => [r.version, migrationId(r)]));
  return rows.map((r) => {
    const h = r.status?.history ?? null;
    const id = migrationId(r);
    const stateLabel = r.state === 'unknown' ? 'state not loaded yet' : stateText({ state: r.state, outOfOrder: r.outOfOrder });
    const description = h && r.state !== 'dirty'
      ? `${stateLabel} · ${formatTimestamp(h.appliedAt)}`
      : stateLabel;
    const deps = dependencyLines(r.version, input.edges, names);
    const lines = [`**${escapeMarkdown(id)}** — ${escapeMarkdown(stateLabel)}`, ''];
    const table: [string, string][] = [];
    if (r.file) table.push(['File', `\`${r.file.file}\``]);
    // golang-migrate keeps the down in a file of its own: "open" opens the up file, the tooltip names both.
    if (r.file?.downFile && r.file.downFile !== r.file.file) table.push(['Down file', `\`${r.file.downFile}\``]);
    const checksum = h?.checksum ?? r.file?.checksum;
    if (checksum) table.push(['Checksum', `\`${checksum.slice(0, 16)}…\``]);
    if (r.state === 'modified' && h && r.file) table.push(['File checksum', `\`${r.file.checksum.slice(0, 16)}…\` (changed since applied)`]);
    if (h) {
      table.push(['Applied', `${formatTimestamp(h.appliedAt)} by ${escapeMarkdown(h.appliedBy)}`]);
      if (h.durationMs != null) table.push(['Duration', formatDuration(h.durationMs)]);
      if (h.error) table.push(['Error', escapeMarkdown(h.error)]);
    }
    if (r.file && !r.file.transactional) table.push(['Transaction', 'none (runs statement by statement)']);
    if (r.file?.environments) table.push(['Environments', escapeMarkdown(r.file.environments.join(', '))]);
    table.push(['Depends on', deps.length ? deps.map(escapeMarkdown).join('<br>') : 'nothing']);
    if (r.file && r.file.down === null) table.push(['Down', 'none (irreversible)']);
    else if (r.file?.downFile) table.push(['Down', `\`${r.file.downFile}\``]);
    if (r.file?.verify) table.push(['Verify', `\`${r.file.verify.file}\``]);
    lines.push('| | |', '|---|---|', ...table.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`));
    const icon = STATE_ICONS[r.state];
    let contextValue = `migration.${r.state}`;
    if (r.file) contextValue += '.file';
    if ((r.file && r.file.down !== null) || h?.downSql) contextValue += '.reversible';
    return {
      id: `${input.folderKey}|${input.environment}|${r.version}`,
      version: r.version,
      label: id,
      description,
      state: r.state,
      icon: icon.icon,
      color: icon.color,
      tooltip: lines.join('\n'),
      contextValue,
      file: r.file ? absolute(input.root, r.file.file) : null,
    };
  });
}

/** The environment node: name, where it points, and the counts. */
export function environmentItem(environment: string, database: string, statuses: MigrationStatus[] | null, isProtected: boolean): { label: string; description: string; icon: string; contextValue: string } {
  let description = database;
  if (statuses) {
    const pending = statuses.filter((s) => isDue(s.state)).length;
    const applied = statuses.filter((s) => s.state === 'applied' || s.state === 'modified').length;
    description = `${applied} applied, ${pending} pending — ${database}`;
  }
  return {
    label: environment,
    description,
    icon: isProtected ? 'shield' : 'database',
    contextValue: isProtected ? 'environment.protected' : 'environment',
  };
}

export interface SimpleItemModel {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  icon: string;
  color?: string;
  contextValue: string;
}

/** Backups, newest first, as the engine lists them. */
export function backupItems(folderKey: string, backups: BackupEntry[]): SimpleItemModel[] {
  return backups.map((b) => ({
    id: `${folderKey}|backup|${b.id}`,
    label: b.id,
    description: `${b.reason} · ${formatTimestamp(new Date(b.createdAt))} · ${formatBytes(b.sizeBytes)}`,
    tooltip: [
      `**Backup ${escapeMarkdown(b.id)}**`, '',
      '| | |', '|---|---|',
      `| Taken | ${formatTimestamp(new Date(b.createdAt))} (${b.reason}) |`,
      `| Newest migration before | ${b.versionBefore ?? 'none'} |`,
      `| Heading for | ${b.versionAfter ?? 'none'} |`,
      `| Size | ${formatBytes(b.sizeBytes)} |`,
      `| SHA-256 | \`${b.sha256.slice(0, 16)}…\` |`,
      `| Tool | ${escapeMarkdown(b.tool)} |`,
      `| Server | ${escapeMarkdown(b.serverVersion)} |`,
    ].join('\n'),
    icon: 'archive',
    contextValue: 'backup',
  }));
}

/**
 * The one-line text of an error row: the error's first line with a leading absolute path cut to its file name
 * ("database-migration.config.json: environment ..."), so the tree's narrow row shows the reason, not the folders.
 * The whole text stays in the row's tooltip.
 */
export function errorRowText(error: string): string {
  const first = error.split('\n')[0]!;
  const m = /^((?:[A-Za-z]:)?[\\/][^:]*?)((?::\d+){0,2}): /.exec(first);
  if (!m) return first;
  return `${m[1]!.split(/[\\/]/).pop()}${m[2]}: ${first.slice(m[0].length)}`;
}
