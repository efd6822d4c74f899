/** The one report layer: every text the CLI and the extension show about engine results. */
export * from './format';
export * from './style';
export * from './status';
export * from './dry-run';
export * from './verify';
export * from './events';
export * from './pool';
export * from './results';
export * from './partitions';
export * from './performance';
export * from './import';
export * from './drift';
export * from './progress';
export * from './fleet';
