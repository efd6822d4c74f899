/** The "targets" key of an environment (schema/config.schema.json) and the fleet's run settings with their defaults. */

export type FailurePolicy = 'stop' | 'continue';

export interface FleetRunSettings {
  /** Targets migrated at once. */
  parallel?: number;
  /** Targets applied (and checked) first; a failed canary stops the fleet. */
  canary?: number;
  onFailure?: FailurePolicy;
}

/** A list of URLs (or pglite:<dir>), or an object with exactly one of urls, query, schemas. */
export type TargetsSetting =
  | string[]
  | (FleetRunSettings & { urls: string[] })
  | (FleetRunSettings & { query: string })
  | (FleetRunSettings & { schemas: string; exclude?: string[] });

export const DEFAULT_PARALLEL = 4;

/** The run settings a "targets" value carries (a bare list carries none). */
export function runSettingsOf(setting: TargetsSetting | undefined): FleetRunSettings {
  if (!setting || Array.isArray(setting)) return {};
  return { parallel: setting.parallel, canary: setting.canary, onFailure: setting.onFailure };
}

/** Flags over config over defaults. */
export function effectiveRunSettings(setting: TargetsSetting | undefined, flags: FleetRunSettings): Required<FleetRunSettings> {
  const fromConfig = runSettingsOf(setting);
  return {
    parallel: flags.parallel ?? fromConfig.parallel ?? DEFAULT_PARALLEL,
    canary: flags.canary ?? fromConfig.canary ?? 0,
    onFailure: flags.onFailure ?? fromConfig.onFailure ?? 'stop',
  };
}
