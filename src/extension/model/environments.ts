/**
 * The environment picker and what a config change refreshes (no editor API, so mocha tests it). Issue 17: a picker
 * built from the opened project was empty ("0 Results") as soon as the chosen environment's URL could not be resolved.
 */
import * as path from 'node:path';
import { CONFIG_FILE_NAME } from '../../core/config';
import type { EnvironmentChoice } from '../../core/project';

export interface EnvironmentPickItem {
  label: string;
  description?: string;
  detail?: string;
  /** The environment's name (the label may carry an icon). */
  environment: string;
}

/**
 * Every environment of the config, the current one marked; a broken one says why it cannot be opened (it can still be
 * picked: the variable may be set next). The current environment is listed even when the config no longer names it.
 */
export function environmentPickItems(choices: EnvironmentChoice[], current: string | undefined): EnvironmentPickItem[] {
  const all = current && !choices.some((c) => c.name === current)
    ? [...choices, { name: current, problem: `"${current}" is not in the config any more` }]
    : choices;
  return all.map((c) => ({
    label: c.problem ? `$(warning) ${c.name}` : c.name,
    description: [c.name === current ? 'current' : '', c.problem ? 'cannot be opened' : ''].filter(Boolean).join(' — ') || undefined,
    detail: c.problem ?? undefined,
    environment: c.name,
  }));
}

/** Why a folder's project or environment could not be opened: the whole config, or only the chosen environment. */
export interface OpenError {
  scope: 'config' | 'environment';
  text: string;
}

/**
 * What the Seeds or Backups view shows for a folder with nothing to list: null for the view's own welcome text, or a
 * message row when that text would be wrong (the config cannot be read; the environment cannot be opened, so its
 * backups are unknown rather than absent).
 */
export function listViewEmptyMessage(view: 'seeds' | 'backups', environment: string, openError: OpenError | null): string | null {
  if (!openError) return null;
  const first = openError.text.split('\n')[0]!;
  if (openError.scope === 'config') return `The config cannot be read: ${first}`;
  return view === 'backups' ? `Environment "${environment}" cannot be opened: ${first}` : null;
}

/**
 * What a file change re-reads: the config or a .env can change every environment, URL and directory, so everything
 * (files and database state, dropping errors from before); a migration or seed file only the files (and the database
 * state where it was read).
 */
export function refreshScope(changedFiles: string[], configFileSetting: string): 'everything' | 'files' {
  const configName = path.basename(configFileSetting.trim() || CONFIG_FILE_NAME);
  return changedFiles.some((f) => {
    const base = path.basename(f);
    return base === configName || base === CONFIG_FILE_NAME || base === '.env' || base.startsWith('.env.');
  }) ? 'everything' : 'files';
}

/**
 * The files whose changes the extension follows: migrations and seeds, the config (its default name and the one the
 * databaseMigration.configFile setting names) and .env files.
 */
export function watchedFilesGlob(configFileSetting: string): string {
  const names = new Set(['*.sql', CONFIG_FILE_NAME, '.env', '.env.*']);
  const custom = path.basename(configFileSetting.trim());
  if (custom && !/[{}*?,[\]]/.test(custom)) names.add(custom);
  return `**/{${[...names].join(',')}}`;
}
