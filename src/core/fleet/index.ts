/** The fleet: one plan over many targets (databases or tenant schemas). See fleet.ts. */
import type { Database } from '../db/database';
import { loadEnvFiles } from '../env-file';
import { connectProject, type Project } from '../project';
import { Fleet, type FleetOptions } from './fleet';
import { resolveTargets, targetsFromUrls } from './targets';

export { Fleet, fleetError, type FleetError, type FleetEvent, type FleetOptions, type FleetRun, type FleetSettings, type FleetStatus, type TargetResult } from './fleet';
export { buildStatusMatrix, interestingColumns, type MatrixCell, type MatrixColumn, type MatrixInput, type MatrixRow, type StatusMatrix } from './matrix';
export { citusRole, citusSessionSettings, detectCitus, type CitusCatalog, type CitusInfo, type CitusRole } from './citus';
export { effectiveRunSettings, type FailurePolicy, type FleetRunSettings, type TargetsSetting } from './setting';
export type { FleetTarget } from './targets';

/** Whether a run on this project is a fleet run: several --url, or an environment with "targets" and no single --url. */
export function isFleet(project: Project, urls: readonly string[]): boolean {
  return urls.length > 1 || (urls.length === 0 && project.environment.settings.targets !== undefined);
}

/** The fleet of a project: the --url list when several are given, else the environment's "targets" (read from the control database when they are a query or a schema pattern). */
export async function openFleet(project: Project, options: FleetOptions & { urls?: readonly string[]; processEnv?: NodeJS.ProcessEnv } = {}): Promise<Fleet> {
  const connect: (p: Project) => Database = options.connect ?? connectProject;
  const urls = options.urls ?? [];
  const targets = urls.length > 1
    ? targetsFromUrls(urls, project.config.root)
    : await resolveTargets(project, { processEnv: projectEnv(project, options.processEnv ?? process.env), connect });
  return new Fleet(project, targets, { ...options, connect });
}

/** The variables ${env:VAR} in "targets" see: the process environment over the .env files the project read. */
function projectEnv(project: Project, processEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const root = project.config.root;
  return loadEnvFiles({ root, cwd: root, envFile: project.envFiles.length ? project.envFiles : false, processEnv }).env;
}
