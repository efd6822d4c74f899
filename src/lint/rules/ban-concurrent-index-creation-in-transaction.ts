import { dropNames, rangeVarName } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';
import { explicitBlocks, fileLine } from './shared/transactions';

/** CREATE / DROP / REINDEX ... CONCURRENTLY between a BEGIN and a COMMIT written in the file. */
export const banConcurrentIndexCreationInTransaction: Rule = {
  id: 'ban-concurrent-index-creation-in-transaction',
  defaultSeverity: 'error',
  description: 'CONCURRENTLY index operation inside an explicit BEGIN ... COMMIT block',
  rationale:
    'CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY and REINDEX CONCURRENTLY work in several steps, each in its own ' +
    'transaction, waiting in between for other sessions to finish. PostgreSQL therefore refuses to run them inside a ' +
    'transaction block: the statement fails with "cannot run inside a transaction block" and the migration stops there, ' +
    'possibly after the statements before it in the block were rolled back.',
  help: 'move the statement out of the BEGIN ... COMMIT block (the other statements can keep their own transaction)',
  check(ctx) {
    const blocks = explicitBlocks(ctx.statements);
    for (const stmt of ctx.statements) {
      const begin = blocks[stmt.index];
      if (!begin || !stmt.node) continue;
      const what = concurrentOperation(stmt);
      if (!what) continue;
      ctx.report({
        statement: stmt,
        message: `${what} cannot run inside the transaction block opened on line ${fileLine(ctx, begin)}; PostgreSQL rejects it`,
      });
    }
  },
};

function concurrentOperation(stmt: ParsedStatement): string | null {
  const node = stmt.node as AstNode;
  if (stmt.kind === 'IndexStmt' && node['concurrent']) {
    const name = node['idxname'] ? ` "${String(node['idxname'])}"` : '';
    return `CREATE INDEX CONCURRENTLY${name} on "${rangeVarName(node['relation'])}"`;
  }
  if (stmt.kind === 'DropStmt' && node['removeType'] === 'OBJECT_INDEX' && node['concurrent']) {
    return `DROP INDEX CONCURRENTLY ${dropNames(node).map((n) => `"${n}"`).join(', ')}`;
  }
  if (stmt.kind === 'ReindexStmt') {
    const params = (node['params'] as AstNode[] | undefined) ?? [];
    const concurrently = params.some((p) => {
      const d = p['DefElem'] as AstNode | undefined;
      if (d?.['defname'] !== 'concurrently') return false;
      // REINDEX (CONCURRENTLY false) is allowed in a transaction.
      const arg = d['arg'] as AstNode | undefined;
      const v = arg?.['String']?.sval ?? arg?.['Boolean']?.boolval ?? arg?.['Integer']?.ival;
      return arg === undefined || v === true || v === 1 || (typeof v === 'string' && /^(true|on|1|yes)$/i.test(v));
    });
    if (!concurrently) return null;
    const target = node['relation'] ? ` "${rangeVarName(node['relation'])}"` : node['name'] ? ` "${String(node['name'])}"` : '';
    return `REINDEX CONCURRENTLY${target}`;
  }
  return null;
}
