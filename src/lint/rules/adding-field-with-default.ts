import { alterCommands, columnConstraints, rangeVarName, stringList, typeInfo, walk } from '../../sql/ast';

const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8']);
import type { AstNode } from '../../sql/parse';
import type { Rule } from '../types';
import { alteredExistingTables } from './shared/new-tables';

/** Functions whose result can differ per row: a default calling one is evaluated for every existing row. */
const VOLATILE = new Set([
  'random', 'random_normal', 'setseed', 'gen_random_uuid', 'gen_random_bytes', 'uuidv4', 'uuidv7',
  'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'clock_timestamp', 'timeofday',
  'nextval', 'setval', 'currval', 'lastval', 'gen_salt',
]);

/** Common immutable or stable functions: evaluated once, the value is stored in the catalog (PostgreSQL 11+). */
const NOT_VOLATILE = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_setting', 'current_database', 'current_schema',
  'to_timestamp', 'to_date', 'to_char', 'to_number', 'date_trunc', 'date_part', 'extract', 'make_date', 'make_time',
  'make_timestamp', 'make_timestamptz', 'make_interval', 'timezone', 'age', 'justify_interval', 'justify_days', 'justify_hours',
  'lower', 'upper', 'initcap', 'concat', 'concat_ws', 'format', 'length', 'char_length', 'character_length', 'octet_length',
  'substr', 'substring', 'left', 'right', 'lpad', 'rpad', 'trim', 'btrim', 'ltrim', 'rtrim', 'replace', 'repeat', 'reverse',
  'md5', 'sha256', 'sha512', 'encode', 'decode', 'abs', 'round', 'trunc', 'floor', 'ceil', 'ceiling', 'power', 'sqrt', 'mod',
  'jsonb_build_object', 'jsonb_build_array', 'json_build_object', 'json_build_array', 'to_jsonb', 'to_json',
  'jsonb_object', 'json_object', 'array_fill', 'string_to_array', 'array_to_string', 'int4range', 'int8range', 'numrange',
  'tsrange', 'tstzrange', 'daterange', 'point', 'inet', 'cidr', 'uuid_nil', 'uuid_ns_dns', 'uuid_ns_url', 'uuid_ns_oid',
  'uuid_ns_x500', 'uuid_generate_v3', 'uuid_generate_v5', 'nullif', 'bool', 'int4', 'int8', 'numeric', 'text',
]);

/** ADD COLUMN whose default forces PostgreSQL to rewrite the table. */
export const addingFieldWithDefault: Rule = {
  id: 'adding-field-with-default',
  defaultSeverity: 'error',
  description: 'ADD COLUMN with a default that rewrites the table (volatile, generated, identity; any default before PostgreSQL 11)',
  rationale:
    'Since PostgreSQL 11, adding a column with a constant or stable default (like 0, \'draft\' or now()) is instant: the ' +
    'value is computed once and stored in the catalog. A volatile default such as random(), gen_random_uuid(), ' +
    'clock_timestamp() or nextval() gives every row its own value, so PostgreSQL rewrites the whole table, and so do stored ' +
    'generated and identity columns. The rewrite holds an ACCESS EXCLUSIVE lock, which blocks every read and write of the ' +
    'table until it is done, and needs disk space for a second copy of the table. Before PostgreSQL 11 any non-null default ' +
    'rewrites the table.',
  help: 'add the column without the default (or with a constant one), fill existing rows in batches, then ALTER COLUMN ... SET DEFAULT for new rows',
  sections: ['up', 'script'],
  check(ctx) {
    const oldVersion = ctx.postgresVersion < 11;
    for (const { stmt, node, rel } of alteredExistingTables(ctx.statements)) {
      const table = rangeVarName(rel);
      for (const cmd of alterCommands(node)) {
        if (cmd['subtype'] !== 'AT_AddColumn') continue;
        const col = cmd['def']?.['ColumnDef'] as AstNode | undefined;
        if (!col) continue;
        const column = String(col['colname']);
        const type = typeInfo(col['typeName'] as AstNode | undefined);
        if (type && SERIAL.has(type.name) && (type.schema === null || type.schema === 'pg_catalog')) {
          ctx.report({
            statement: stmt, at: col['typeName'] as AstNode,
            message: `${type.name} column "${column}" gives every existing row of "${table}" a value from its sequence (a volatile default): the table is rewritten under an ACCESS EXCLUSIVE lock`,
            help: 'add a nullable column, fill it in batches from a sequence, then set the default (or the identity)',
          });
        }
        for (const con of columnConstraints(col)) {
          if (con['contype'] === 'CONSTR_GENERATED' && con['generated_kind'] !== 'v') {
            ctx.report({
              statement: stmt, at: con,
              message: `stored generated column "${column}" is computed for every existing row of "${table}": the table is rewritten under an ACCESS EXCLUSIVE lock`,
              help: 'add a plain column, fill it in batches (and keep it filled with a trigger), or use a VIRTUAL generated column on PostgreSQL 18+',
            });
          } else if (con['contype'] === 'CONSTR_IDENTITY') {
            ctx.report({
              statement: stmt, at: con,
              message: `identity column "${column}" gives every existing row of "${table}" a sequence value: the table is rewritten under an ACCESS EXCLUSIVE lock`,
              help: 'add a nullable column, fill it in batches from a sequence, then add the identity or default',
            });
          } else if (con['contype'] === 'CONSTR_DEFAULT') {
            const expr = con['raw_expr'] as AstNode | undefined;
            if (!expr || isNull(expr)) continue;
            const volatile = volatileCall(expr);
            if (volatile) {
              const known = VOLATILE.has(volatile.name);
              ctx.report({
                statement: stmt, at: volatile.node,
                message: known
                  ? `column "${column}" is added to "${table}" with the volatile default ${volatile.name}(): every row gets its own value, so the table is rewritten under an ACCESS EXCLUSIVE lock`
                  : `column "${column}" is added to "${table}" with a default calling ${volatile.name}(), which is not known to be immutable or stable: if it is volatile, the table is rewritten under an ACCESS EXCLUSIVE lock`,
                help: known ? undefined
                  : `if ${volatile.name}() is immutable or stable this is instant: put "-- lint-ignore adding-field-with-default" above the statement; otherwise add the column without the default, fill it in batches, then SET DEFAULT`,
              });
            } else if (oldVersion) {
              ctx.report({
                statement: stmt, at: con,
                message: `before PostgreSQL 11 adding column "${column}" with a default rewrites all of "${table}" under an ACCESS EXCLUSIVE lock (target version ${ctx.postgresVersion})`,
                help: 'add the column without a default, then ALTER COLUMN ... SET DEFAULT, and fill existing rows in batches',
              });
            }
          }
        }
      }
    }
  },
};

function isNull(expr: AstNode): boolean {
  const c = expr['A_Const'] as AstNode | undefined;
  if (c) return !!c['isnull'];
  const cast = expr['TypeCast'] as AstNode | undefined;
  return cast ? isNull(cast['arg'] as AstNode) : false;
}

/** The first function call in the expression that is (or may be) volatile. */
function volatileCall(expr: AstNode): { name: string; node: AstNode } | null {
  let found: { name: string; node: AstNode } | null = null;
  walk(expr, (type, body) => {
    if (found) return false;
    if (type !== 'FuncCall') return;
    const names = stringList(body['funcname']);
    const name = (names[names.length - 1] ?? '').toLowerCase();
    if (!name || (NOT_VOLATILE.has(name) && !VOLATILE.has(name))) return;
    found = { name, node: body };
    return false;
  });
  return found;
}
