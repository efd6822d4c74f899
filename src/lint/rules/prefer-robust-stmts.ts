import { alterCommands, rangeVarName, relName } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import type { Rule, RuleFix } from '../types';
import { keywordEnd } from './shared/keywords';
import { explicitBlocks } from './shared/transactions';

/** Statements that cannot fail in a way that matters for a re-run. */
const HARMLESS = new Set(['VariableSetStmt', 'VariableShowStmt', 'TransactionStmt']);

/** Where " IF EXISTS" goes in DROP <keywords> name: the last keyword and how many words in it is. */
const DROP_KEYWORD: Record<string, [string, number]> = {
  OBJECT_TABLE: ['TABLE', 2], OBJECT_SEQUENCE: ['SEQUENCE', 2], OBJECT_VIEW: ['VIEW', 2], OBJECT_MATVIEW: ['VIEW', 3],
  OBJECT_FOREIGN_TABLE: ['TABLE', 3], OBJECT_SCHEMA: ['SCHEMA', 2], OBJECT_TYPE: ['TYPE', 2], OBJECT_DOMAIN: ['DOMAIN', 2],
  OBJECT_EXTENSION: ['EXTENSION', 2], OBJECT_FUNCTION: ['FUNCTION', 2], OBJECT_PROCEDURE: ['PROCEDURE', 2],
  OBJECT_TRIGGER: ['TRIGGER', 2], OBJECT_POLICY: ['POLICY', 2], OBJECT_RULE: ['RULE', 2],
};

const SIMPLE_IDENT = /^[a-z_][a-z0-9_$]*$/;
const quoteIdent = (name: string) => (SIMPLE_IDENT.test(name) ? name : `"${name.replace(/"/g, '""')}"`);

function insertAt(stmt: ParsedStatement, offset: number, text: string, title: string): RuleFix | undefined {
  return offset >= 0 ? { title, edits: [{ statement: stmt, start: offset, end: offset, text }] } : undefined;
}

/** Offset of the ADD keyword that precedes `offset` (the CONSTRAINT keyword), or -1. */
function addBefore(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  const start = i - 3;
  if (start < 0 || text.slice(start, i).toUpperCase() !== 'ADD') return -1;
  if (start > 0 && /[\w$"]/.test(text[start - 1]!)) return -1;
  return start;
}

/** In a section that runs without a transaction, statements that fail when the section is run a second time. */
export const preferRobustStmts: Rule = {
  id: 'prefer-robust-stmts',
  defaultSeverity: 'warning',
  description: 'CREATE / DROP / ADD without IF [NOT] EXISTS in a migration or script that runs outside a transaction',
  rationale:
    'A migration marked "-- transaction: none" (or a script run without BEGIN) commits each statement as it goes. If a later ' +
    'statement fails - a lock timeout, a duplicate row, a lost connection - the earlier ones stay done, and the usual fix is to ' +
    'correct the problem and run it again. That second run then stops at the first statement that already happened: CREATE ' +
    'TABLE says the table exists, DROP says it is gone. Written with IF NOT EXISTS / IF EXISTS, every statement can simply be ' +
    'run again and the migration picks up where it stopped. Inside a transaction this does not matter: a failure undoes everything.',
  help: 'write CREATE ... IF NOT EXISTS, DROP ... IF EXISTS, ADD COLUMN IF NOT EXISTS, and DROP CONSTRAINT IF EXISTS before ADD CONSTRAINT',
  sections: ['up', 'down', 'script'],
  check(ctx) {
    if (ctx.transactional) return;
    const blocks = explicitBlocks(ctx.statements);
    // A statement only has to be re-runnable when something after it can fail and leave it done.
    let lastEffectful = -1;
    for (const s of ctx.statements) if (!s.node || !HARMLESS.has(s.kind ?? '')) lastEffectful = s.index;
    // Constraints dropped with IF EXISTS so far, as 'table/constraint'.
    const dropped = new Set<string>();
    const where = ctx.migration ? 'this migration runs without a transaction' : 'this script runs without a transaction';

    for (const stmt of ctx.statements) {
      const node = stmt.node;
      if (!node) continue;
      const skip = blocks[stmt.index] !== null || stmt.index >= lastEffectful;
      const report = (message: string, at: AstNode | number | null, fix?: RuleFix) => {
        if (!skip) ctx.report({ statement: stmt, at, message: `${message}; ${where}, so re-running it after a later failure stops here`, fix });
      };
      switch (stmt.kind) {
        case 'CreateStmt': {
          const rv = node['relation'] as AstNode;
          if (node['if_not_exists'] || rv?.['relpersistence'] === 't') break;
          report(`CREATE TABLE "${rangeVarName(rv)}" without IF NOT EXISTS fails when the table exists`, rv,
            insertAt(stmt, stmt.toOffset(rv['location']), 'IF NOT EXISTS ', 'Add IF NOT EXISTS'));
          break;
        }
        case 'IndexStmt': {
          if (node['if_not_exists']) break;
          const table = rangeVarName(node['relation']);
          if (!node['idxname']) {
            report(`unnamed index on "${table}" gets a generated name, so running it again creates a second copy; name it and add IF NOT EXISTS`, node['relation']);
            break;
          }
          const end = node['concurrent'] ? keywordEnd(stmt.text, 'CONCURRENTLY', 4) : keywordEnd(stmt.text, 'INDEX', 3);
          const invalid = node['concurrent'] ? ' (a failed CONCURRENTLY build leaves an invalid index behind, which IF NOT EXISTS would keep: DROP INDEX CONCURRENTLY IF EXISTS it first)' : '';
          report(`CREATE INDEX "${String(node['idxname'])}" without IF NOT EXISTS fails when the index exists${invalid}`, null,
            insertAt(stmt, end, ' IF NOT EXISTS', 'Add IF NOT EXISTS'));
          break;
        }
        case 'CreateSeqStmt': {
          if (node['if_not_exists']) break;
          const rv = node['sequence'] as AstNode;
          report(`CREATE SEQUENCE "${rangeVarName(rv)}" without IF NOT EXISTS fails when the sequence exists`, rv,
            insertAt(stmt, stmt.toOffset(rv['location']), 'IF NOT EXISTS ', 'Add IF NOT EXISTS'));
          break;
        }
        case 'CreateTableAsStmt': {
          const rv = node['into']?.rel as AstNode | undefined;
          if (node['if_not_exists'] || !rv || rv['relpersistence'] === 't') break;
          const what = node['objtype'] === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS';
          report(`${what} "${rangeVarName(rv)}" without IF NOT EXISTS fails when it exists`, rv,
            insertAt(stmt, stmt.toOffset(rv['location']), 'IF NOT EXISTS ', 'Add IF NOT EXISTS'));
          break;
        }
        case 'CreateSchemaStmt':
          if (node['if_not_exists']) break;
          report(`CREATE SCHEMA${node['schemaname'] ? ` "${String(node['schemaname'])}"` : ''} without IF NOT EXISTS fails when the schema exists`, null,
            insertAt(stmt, keywordEnd(stmt.text, 'SCHEMA', 2), ' IF NOT EXISTS', 'Add IF NOT EXISTS'));
          break;
        case 'CreateExtensionStmt':
          if (node['if_not_exists']) break;
          report(`CREATE EXTENSION "${String(node['extname'])}" without IF NOT EXISTS fails when the extension is installed`, null,
            insertAt(stmt, keywordEnd(stmt.text, 'EXTENSION', 2), ' IF NOT EXISTS', 'Add IF NOT EXISTS'));
          break;
        case 'DropStmt': {
          if (node['missing_ok']) break;
          const type = String(node['removeType'] ?? '');
          const kw = DROP_KEYWORD[type] ?? (type === 'OBJECT_INDEX' ? (node['concurrent'] ? ['CONCURRENTLY', 3] : ['INDEX', 2]) : null);
          const what = type.replace(/^OBJECT_/, '').replace(/_/g, ' ').replace('MATVIEW', 'MATERIALIZED VIEW');
          const names = ((node['objects'] as AstNode[] | undefined) ?? []).map((o) => {
            if (o['List']) return ((o['List'].items as AstNode[]) ?? []).map((x) => String(x['String']?.sval ?? '')).join('.');
            if (o['String']) return String(o['String'].sval);
            if (o['TypeName']) return ((o['TypeName'].names as AstNode[]) ?? []).map((x) => String(x['String']?.sval ?? '')).join('.');
            if (o['ObjectWithArgs']) return ((o['ObjectWithArgs'].objname as AstNode[]) ?? []).map((x) => String(x['String']?.sval ?? '')).join('.');
            return '';
          }).filter(Boolean);
          report(`DROP ${what}${names.length ? ` "${names.join('", "')}"` : ''} without IF EXISTS fails when it is already gone`, null,
            kw ? insertAt(stmt, keywordEnd(stmt.text, kw[0], kw[1]), ' IF EXISTS', 'Add IF EXISTS') : undefined);
          break;
        }
        case 'AlterTableStmt': {
          if (node['objtype'] !== 'OBJECT_TABLE') break;
          const table = rangeVarName(node['relation']);
          for (const cmd of alterCommands(node)) {
            const sub = String(cmd['subtype'] ?? '');
            if (sub === 'AT_AddColumn' && !cmd['missing_ok']) {
              const col = cmd['def']?.ColumnDef as AstNode | undefined;
              if (!col) continue;
              report(`ADD COLUMN "${String(col['colname'])}" on "${table}" without IF NOT EXISTS fails when the column exists`, col,
                insertAt(stmt, typeof col['location'] === 'number' ? stmt.toOffset(col['location']) : -1, 'IF NOT EXISTS ', 'Add IF NOT EXISTS'));
            } else if (sub === 'AT_DropColumn' && !cmd['missing_ok']) {
              report(`DROP COLUMN "${String(cmd['name'])}" on "${table}" without IF EXISTS fails when the column is already gone`, node['relation']);
            } else if (sub === 'AT_DropConstraint') {
              if (cmd['missing_ok']) dropped.add(`${relName(node['relation'])}/${String(cmd['name'])}`);
              else report(`DROP CONSTRAINT "${String(cmd['name'])}" on "${table}" without IF EXISTS fails when the constraint is already gone`, node['relation']);
            } else if (sub === 'AT_AddConstraint') {
              const con = cmd['def']?.Constraint as AstNode | undefined;
              if (!con) continue;
              if (!con['conname']) {
                report(`unnamed constraint added to "${table}" gets a generated name, so running it again adds it twice or fails; name it and drop it with IF EXISTS first`, con);
                continue;
              }
              const name = String(con['conname']);
              if (dropped.has(`${relName(node['relation'])}/${name}`)) continue;
              const add = typeof con['location'] === 'number' ? addBefore(stmt.text, stmt.toOffset(con['location'])) : -1;
              report(`ADD CONSTRAINT "${name}" on "${table}" fails when the constraint exists (PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS)`, con,
                insertAt(stmt, add, `DROP CONSTRAINT IF EXISTS ${quoteIdent(name)}, `, 'Drop the constraint with IF EXISTS first'));
            }
          }
          break;
        }
        default:
          break;
      }
    }
  },
};
