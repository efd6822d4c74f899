/** Which workspace folders hold a migration project (no editor API, so tests run it). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME } from '../../core/config';

/**
 * A folder is a project when it has the config file (or the one the
 * `databaseMigration.configFile` setting names) or a migrations directory.
 */
export function isProjectFolder(folder: string, configFileSetting: string): boolean {
  const config = path.resolve(folder, configFileSetting || CONFIG_FILE_NAME);
  return fs.existsSync(config) || fs.existsSync(path.join(folder, 'migrations'));
}

/** The config path to hand to openProject: the setting when given, else the default name is found by the core. */
export function configPathFor(configFileSetting: string): string | undefined {
  return configFileSetting.trim() ? configFileSetting.trim() : undefined;
}
