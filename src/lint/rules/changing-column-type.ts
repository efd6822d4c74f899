import { alterCommands, rangeVarName, relName, stringList, type TypeInfo } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import { rv } from '../../sql/objects';
import type { Rule } from '../types';
import { isBuiltin, typedColumns, typeLabel } from './shared/column-types';
import { alteredExistingTables } from './shared/new-tables';

/** Types whose limit/precision can be raised (or removed) without a rewrite. */
const WIDENABLE = ['varchar', 'varbit', 'numeric', 'timestamp', 'timestamptz', 'time', 'timetz'];
const PLAIN_HELP = 'add a new column of the new type, write to both, backfill it in batches, move reads to it, then drop the old column';
const UTC = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'uct', 'etc/uct', 'zulu', 'etc/zulu', 'universal', 'etc/universal', 'z']);

/** ALTER COLUMN ... TYPE on an existing table. */
export const changingColumnType: Rule = {
  id: 'changing-column-type',
  defaultSeverity: 'error',
  description: 'ALTER COLUMN ... TYPE on an existing table',
  rationale:
    'Changing a column\'s type makes PostgreSQL convert every row: it writes a new copy of the whole table and rebuilds ' +
    'all its indexes, holding an ACCESS EXCLUSIVE lock the whole time, which blocks every read and write of the table, ' +
    'for minutes or hours on a big one. Running code may also break on the new type. Only a few changes keep the stored ' +
    'bytes as they are and are just a quick catalog update: varchar to text, raising or removing a varchar(n), bit ' +
    'varying(n), numeric precision (same scale) or time/timestamp precision, cidr to inet, and from PostgreSQL 12 ' +
    'timestamp to timestamptz (or back) when the session time zone is UTC.',
  help: 'add a new column of the new type, write to both, backfill it in batches, move reads to it, then drop the old column; ' +
    'if this only widens a limit, put the reverse ALTER COLUMN ... TYPE in the down section so the old type is known',
  sections: ['up', 'script'],
  check(ctx) {
    const upColumns = typedColumns(ctx.statements);
    const downChanges = ctx.section === 'up' && ctx.down ? typedColumns(ctx.down).filter((c) => c.alterType) : [];
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const table = rangeVarName(rel);
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] !== 'AT_AlterColumnType') continue;
        const def = cmd['def']?.['ColumnDef'] as AstNode | undefined;
        const next = upColumns.find((c) => c.column === def);
        if (!def || !next) continue;
        const column = String(cmd['name'] ?? '');
        const same = (c: { relation: AstNode; name: string }) => relName(c.relation) === relName(rel) && c.name === column;
        // The type before this statement: set earlier in this section, else what the history says it was (the replayed
        // shadow, else the earlier migrations' parse trees), else restored by the down section.
        const before = upColumns.filter((c) => c.statement.index < stmt.index && same(c)).pop();
        const plain = !def['collClause'] && trivialUsing(def['raw_default'], column);
        const fromHistory = ctx.section === 'up' ? ctx.schema?.columnType(table, column) ?? ctx.history?.columnTypeBefore(rv(rel), column) : null;
        const old = before?.type ?? fromHistory ?? downChanges.filter(same).pop()?.type ?? null;
        let note = '';
        if (old && plain) {
          if (keepsBytes(old, next.type)) continue;
          if (timeZoneSwap(old, next.type)) {
            if (ctx.postgresVersion >= 12 && utcBefore(ctx.statements, stmt.index)) continue;
            note = ctx.postgresVersion >= 12
              ? ' (on PostgreSQL 12+ it does not if the session time zone is UTC: SET timezone = \'UTC\' before it)'
              : ' (from PostgreSQL 12 on, it would not when the session time zone is UTC)';
          }
        }
        if (old && !plain && def['collClause'] && trivialUsing(def['raw_default'], column) && keepsBytes(old, next.type)) {
          ctx.report({
            statement: stmt,
            at: def,
            message: `changing column "${column}" of "${table}" to ${typeLabel(next.type)} with a COLLATE clause rebuilds the indexes on the column while reads and writes are blocked`,
            help: 'build the new indexes with the new collation CONCURRENTLY on a new column, or accept the lock on a small table',
          });
          continue;
        }
        const change = old ? `from ${typeLabel(old)} to ${typeLabel(next.type)}` : `to ${typeLabel(next.type)}`;
        const maybeSafe = !old && plain && isBuiltin(next.type, 'text', ...WIDENABLE, 'inet');
        if (maybeSafe) note = ' (unless the old type only gets a wider limit or is varchar and becomes text)';
        ctx.report({
          statement: stmt,
          at: def,
          message: `changing column "${column}" of "${table}" ${change} rewrites the table and its indexes while reads and writes are blocked${note}`,
          help: !maybeSafe ? PLAIN_HELP
            : ctx.section === 'script' ? `${PLAIN_HELP}; if this only widens a limit (varchar(n) to a larger n or text, ...) it does not rewrite: mark it with -- lint-ignore changing-column-type`
              : undefined,
        });
      }
    }
  },
};

/** No USING, or USING that just names the column. */
function trivialUsing(expr: AstNode | undefined, column: string): boolean {
  if (!expr) return true;
  const ref = expr['ColumnRef'] as AstNode | undefined;
  const fields = stringList(ref?.['fields']);
  return fields.length === 1 && fields[0] === column;
}

/** True when `from` -> `to` keeps the stored bytes (binary-coercible, limit only widened): no rewrite, no index rebuild. */
export function keepsBytes(from: TypeInfo, to: TypeInfo): boolean {
  if (from.isArray || to.isArray) return false;
  if (!isBuiltin(from, from.name) || !isBuiltin(to, to.name)) return false;
  const a = from.name;
  const b = to.name;
  const [n] = from.mods;
  const [m] = to.mods;
  if (a === b && from.mods.join() === to.mods.join()) return true;
  if ((a === 'varchar' || a === 'text') && b === 'text') return true;
  if ((a === 'varchar' || a === 'text') && b === 'varchar') {
    if (m === undefined) return true;
    return a === 'varchar' && n !== undefined && m >= n;
  }
  if (a === 'cidr' && b === 'inet') return true;
  if (a !== b) return false;
  if (a === 'varbit' || a === 'timestamp' || a === 'timestamptz' || a === 'time' || a === 'timetz') {
    return m === undefined || (n !== undefined && m >= n);
  }
  if (a === 'numeric') {
    if (m === undefined) return true; // unconstrained numeric
    if (n === undefined) return false;
    return (to.mods[1] ?? 0) === (from.mods[1] ?? 0) && m >= n;
  }
  return false;
}

/** timestamp <-> timestamptz without losing precision: metadata-only on PostgreSQL 12+ when the session time zone is UTC. */
function timeZoneSwap(from: TypeInfo, to: TypeInfo): boolean {
  const pair = new Set([from.name, to.name]);
  if (from.isArray || to.isArray || !pair.has('timestamp') || !pair.has('timestamptz') || pair.size !== 2) return false;
  const [n] = from.mods;
  const [m] = to.mods;
  return m === undefined || (n !== undefined && m >= n);
}

/** Whether a SET [LOCAL] timezone to UTC is in effect when statement `index` runs. */
function utcBefore(statements: ParsedStatement[], index: number): boolean {
  let utc = false;
  for (const s of statements) {
    if (s.index >= index) break;
    if (s.kind !== 'VariableSetStmt' || !s.node) continue;
    const kind = String(s.node['kind'] ?? '');
    if (kind === 'VAR_RESET_ALL') { utc = false; continue; }
    if (String(s.node['name'] ?? '').toLowerCase() !== 'timezone') continue;
    const c = (s.node['args'] as AstNode[] | undefined)?.[0]?.['A_Const'] as AstNode | undefined;
    if (kind !== 'VAR_SET_VALUE' || !c) { utc = false; continue; }
    if (c['sval']) utc = UTC.has(String(c['sval'].sval ?? '').toLowerCase());
    else if (c['ival'] !== undefined) utc = Number(c['ival'].ival ?? 0) === 0;
    else utc = false;
  }
  return utc;
}
