/**
 * The Seeds view's rows, from the seed files and (once the database was read) core's seed history: when each seed
 * last ran and in which environment, whether its file changed since, or that it never ran; and the JSON sample
 * data set's last load with the "as_of" date of its data. No editor API, so mocha tests it.
 */
import type { SeedFile } from '../../core/discovery';
import type { SampleDataHistory, SeedHistory, SeedHistoryEntry } from '../../core/seed-history';
import { formatTimestamp } from '../../core/report';
import { escapeMarkdown, type SimpleItemModel } from './tree-model';

const UNITS: [limitSeconds: number, seconds: number, unit: string][] = [
  [3600, 60, 'min'], [86400, 3600, 'h'], [86400 * 45, 86400, 'day'], [86400 * 365, 86400 * 30, 'month'], [Infinity, 86400 * 365, 'year'],
];

/** "just now", "5 min ago", "3 h ago", "2 days ago", "4 months ago", "1 year ago" (a time ahead of `now` is "just now"). */
export function relativeTime(then: Date, now: Date = new Date()): string {
  const seconds = (now.getTime() - then.getTime()) / 1000;
  if (seconds < 45) return 'just now';
  for (const [limit, size, unit] of UNITS) {
    if (seconds < limit || limit === Infinity) {
      const n = Math.max(1, Math.round(seconds / size));
      return `${n} ${unit === 'day' || unit === 'month' || unit === 'year' ? (n === 1 ? unit : `${unit}s`) : unit} ago`;
    }
  }
  return 'just now';
}

const SEED_ICONS = {
  unknown: { icon: 'file-code' },
  'never-run': { icon: 'circle-large-outline' },
  ran: { icon: 'pass-filled', color: 'testing.iconPassed' },
  modified: { icon: 'diff-modified', color: 'editorWarning.foreground' },
  skipped: { icon: 'debug-step-over', color: 'disabledForeground' },
} as const;

function table(rows: [string, string][]): string[] {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`)];
}

/** "ran 5 min ago · development" (what the description shows of a last run). */
function ranText(e: SeedHistoryEntry, now: Date): string {
  return `ran ${relativeTime(e.last!.appliedAt, now)}${e.last!.environment ? ` · ${e.last!.environment}` : ''}`;
}

/**
 * Seed files: with the history, "never run", "ran 5 min ago · development" or "modified since last run · ran …";
 * before the database was read, the environments a seed is for. A seed whose "-- environments:" line leaves out
 * the current environment is "not for <env>" (contextValue seed.skipped: no Run action).
 */
export function seedItems(folderKey: string, environment: string, seeds: SeedFile[], history: SeedHistory | null = null, now: Date = new Date()): SimpleItemModel[] {
  const entries = new Map((history?.seeds ?? []).map((e) => [e.name, e]));
  return seeds.map((s) => {
    const runsHere = !s.environments || s.environments.includes(environment);
    const e = history ? entries.get(s.name) ?? null : null;
    const forEnvs = s.environments ? s.environments.join(', ') : 'all environments';
    let description = runsHere ? forEnvs : `not for ${environment}`;
    let headline = runsHere ? `runs in ${forEnvs}` : `not for ${environment}`;
    if (e && runsHere) {
      description = e.state === 'never-run' ? 'never run' : e.state === 'modified' ? `modified since last run · ${ranText(e, now)}` : ranText(e, now);
      headline = e.state === 'never-run' ? 'never run on this database' : e.state === 'modified' ? 'modified since its last run' : `ran ${relativeTime(e.last!.appliedAt, now)}`;
    }
    const rows: [string, string][] = [['File', `\`${s.file}\``], ['Environments', escapeMarkdown(s.environments ? s.environments.join(', ') : 'all')]];
    if (e?.last) {
      rows.push(['Last run', `${formatTimestamp(e.last.appliedAt)} (${relativeTime(e.last.appliedAt, now)}) by ${escapeMarkdown(e.last.appliedBy)}`]);
      rows.push(['Environment', escapeMarkdown(e.last.environment ?? 'not recorded')]);
      rows.push(['Checksum', e.state === 'modified' ? `\`${e.checksum.slice(0, 16)}…\` (was \`${e.last.checksum.slice(0, 16)}…\` at that run)` : `\`${e.checksum.slice(0, 16)}…\``]);
    } else if (e) rows.push(['Last run', 'never (not in the seeds history of this database)']);
    const icon = !runsHere ? SEED_ICONS.skipped : SEED_ICONS[e?.state ?? 'unknown'];
    return {
      id: `${folderKey}|seed|${s.name}`,
      label: s.name,
      description,
      tooltip: [`**${escapeMarkdown(s.name)}** — ${escapeMarkdown(headline)}`, '', ...table(rows)].join('\n'),
      icon: icon.icon,
      color: 'color' in icon ? icon.color : undefined,
      contextValue: runsHere ? 'seed' : 'seed.skipped',
    };
  });
}

/** The oldest "as_of" of the data files (the data is as current as its oldest file), or null when none is dated. */
export function sampleDataAsOf(history: SampleDataHistory | null): string | null {
  const dates = (history?.files ?? []).map((f) => f.asOf).filter((d): d is string => !!d).sort();
  return dates[0] ?? null;
}

/**
 * The JSON sample data set ("sampleDataDir") as a row of the Seeds view: "loaded 2 h ago · development · data as of
 * 2025-06", "never loaded · data as of …", or only the directory before the database was read. Null without one.
 */
export function sampleDataItem(folderKey: string, dir: string | null, history: SampleDataHistory | null, now: Date = new Date()): SimpleItemModel | null {
  if (!dir) return null;
  const asOf = sampleDataAsOf(history);
  const stale = (history?.files ?? []).filter((f) => f.stale);
  const parts: string[] = [];
  if (history) parts.push(history.lastLoaded ? `loaded ${relativeTime(history.lastLoaded.at, now)}${history.lastLoaded.environment ? ` · ${history.lastLoaded.environment}` : ''}` : 'never loaded');
  if (asOf) parts.push(`data as of ${asOf}`);
  const rows: [string, string][] = [['Directory', `\`${dir}\``]];
  if (history?.lastLoaded) {
    rows.push(['Last loaded', `${formatTimestamp(history.lastLoaded.at)} (${relativeTime(history.lastLoaded.at, now)}) by ${escapeMarkdown(history.lastLoaded.by)}`]);
    rows.push(['Environment', escapeMarkdown(history.lastLoaded.environment ?? 'not recorded')]);
  } else if (history) rows.push(['Last loaded', 'never (not in the log of this database)']);
  for (const f of history?.files ?? []) rows.push([escapeMarkdown(f.file), `as of ${f.asOf ?? 'not dated'}${f.stale ? ' (over a year old: check it against its sources)' : ''}`]);
  return {
    id: `${folderKey}|sample-data`,
    label: `Sample data (${dir})`,
    description: parts.length ? parts.join(' · ') : 'JSON sample data set',
    tooltip: [`**Sample data** — loaded by Seed Database before the seed files`, '', ...table(rows)].join('\n'),
    icon: stale.length ? 'warning' : 'library',
    color: stale.length ? 'editorWarning.foreground' : undefined,
    contextValue: 'sampleData',
  };
}
