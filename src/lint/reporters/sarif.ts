import type { Rule, Finding } from '../types';

/** SARIF 2.1.0, as GitHub code scanning and other CI dashboards read it. */
export function formatSarif(findings: Finding[], rules: Rule[], toolVersion: string, toUri: (file: string) => string = (f) => f): string {
  const level = (s: string) => (s === 'info' ? 'note' : s);
  const ruleList = rules;
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'database-migration',
          informationUri: 'https://github.com/nasa-system7-portal/database-migration',
          version: toolVersion,
          rules: ruleList.map((r) => ({
            id: r.id,
            name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
            shortDescription: { text: r.description },
            fullDescription: { text: r.rationale },
            help: { text: r.help },
            defaultConfiguration: { level: level(r.defaultSeverity) },
          })),
        },
      },
      results: findings.map((f) => ({
        ruleId: f.ruleId,
        ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
        level: level(f.severity),
        message: { text: `${f.message}. ${f.help}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: toUri(f.file) },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
          },
        }],
        ...(f.fix ? {
          fixes: [{
            description: { text: f.fix.title },
            artifactChanges: [{
              artifactLocation: { uri: toUri(f.file) },
              replacements: f.fix.edits.map((e) => ({
                deletedRegion: { startLine: e.line, startColumn: e.column, endLine: e.endLine, endColumn: e.endColumn },
                insertedContent: { text: e.text },
              })),
            }],
          }],
        } : {}),
      })),
    }],
  };
  return JSON.stringify(log, null, 2);
}
