/**
 * Version parity: the shadow is PGlite's PostgreSQL 18, the server may be older. A migration that uses what only a
 * newer version has works on the shadow and fails (or behaves differently) on the server; these checks find such
 * statements in the parse tree and say which version each needs.
 */
import { walk } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';

interface Feature {
  since: number;
  /** What the statement uses, as a reader would name it. */
  what: string;
  /** What happens on an older server. */
  before: string;
  test(type: string, node: AstNode): boolean;
}

const FEATURES: Feature[] = [
  {
    since: 18, what: 'a virtual generated column (GENERATED ALWAYS AS (...) without STORED)',
    before: 'it is a syntax error; add STORED to keep the column computed on write',
    test: (t, n) => t === 'Constraint' && n['contype'] === 'CONSTR_GENERATED' && n['generated_kind'] === 'v',
  },
  {
    since: 18, what: 'a NOT ENFORCED constraint', before: 'it is a syntax error',
    test: (t, n) => t === 'Constraint' && ['CONSTR_CHECK', 'CONSTR_FOREIGN'].includes(String(n['contype'])) && n['is_enforced'] !== true,
  },
  {
    since: 18, what: 'a named NOT NULL constraint (ADD CONSTRAINT ... NOT NULL)', before: 'it is a syntax error; use ALTER COLUMN ... SET NOT NULL',
    test: (t, n) => t === 'AlterTableCmd' && n['subtype'] === 'AT_AddConstraint' && n['def']?.['Constraint']?.['contype'] === 'CONSTR_NOTNULL',
  },
  { since: 18, what: 'uuidv7()', before: 'the function does not exist', test: (t, n) => t === 'FuncCall' && funcName(n) === 'uuidv7' },
  { since: 17, what: 'JSON_TABLE', before: 'it is a syntax error', test: (t) => t === 'JsonTable' },
  { since: 17, what: 'MERGE ... RETURNING', before: 'it is a syntax error', test: (t, n) => t === 'MergeStmt' && !!n['returningList']?.length },
  {
    since: 17, what: 'SET transaction_timeout', before: 'the setting does not exist',
    test: (t, n) => t === 'VariableSetStmt' && n['name'] === 'transaction_timeout',
  },
  { since: 16, what: 'ANY_VALUE()', before: 'the aggregate does not exist', test: (t, n) => t === 'FuncCall' && funcName(n) === 'any_value' },
  { since: 15, what: 'MERGE', before: 'it is a syntax error', test: (t) => t === 'MergeStmt' },
  { since: 15, what: 'UNIQUE NULLS NOT DISTINCT', before: 'it is a syntax error', test: (t, n) => (t === 'IndexStmt' || t === 'Constraint') && n['nulls_not_distinct'] === true },
  {
    since: 14, what: 'DETACH PARTITION ... CONCURRENTLY', before: 'it is a syntax error',
    test: (t, n) => t === 'AlterTableCmd' && n['subtype'] === 'AT_DetachPartition' && n['def']?.['PartitionCmd']?.['concurrent'] === true,
  },
  { since: 13, what: 'gen_random_uuid() without pgcrypto', before: 'it needs CREATE EXTENSION pgcrypto', test: (t, n) => t === 'FuncCall' && funcName(n) === 'gen_random_uuid' },
  { since: 12, what: 'REINDEX CONCURRENTLY', before: 'it is a syntax error', test: (t, n) => t === 'ReindexStmt' && hasOption(n['params'], 'concurrently') },
  {
    since: 12, what: 'a stored generated column', before: 'it is a syntax error',
    test: (t, n) => t === 'Constraint' && n['contype'] === 'CONSTR_GENERATED' && n['generated_kind'] === 's',
  },
];

function funcName(n: AstNode): string {
  const names = (n['funcname'] as AstNode[] | undefined) ?? [];
  return String(names[names.length - 1]?.['String']?.['sval'] ?? '').toLowerCase();
}

function hasOption(params: AstNode[] | undefined, name: string): boolean {
  return (params ?? []).some((p) => p['DefElem']?.['defname'] === name);
}

export interface ParityWarning {
  statement: ParsedStatement;
  /** JS offset inside the statement of the node that needs the newer version. */
  offset: number;
  message: string;
}

/** Statements that need a newer PostgreSQL than `serverMajor`, with the feature and version named. */
export function versionParityWarnings(statements: readonly ParsedStatement[], serverMajor: number, shadowMajor: number): ParityWarning[] {
  const out: ParityWarning[] = [];
  for (const st of statements) {
    if (!st.node || !st.kind) continue;
    const seen = new Set<Feature>();
    walk({ [st.kind]: st.node }, (type, node) => {
      for (const f of FEATURES) {
        if (f.since <= serverMajor || seen.has(f) || !f.test(type, node)) continue;
        seen.add(f);
        const location = typeof node['location'] === 'number' && node['location'] >= 0 ? st.toOffset(node['location']) : 0;
        out.push({
          statement: st, offset: location,
          message: `uses ${f.what}, which needs PostgreSQL ${f.since}: the embedded PostgreSQL ${shadowMajor} accepts it, but on the server's PostgreSQL ${serverMajor} ${f.before}`,
        });
      }
    });
  }
  return out;
}
