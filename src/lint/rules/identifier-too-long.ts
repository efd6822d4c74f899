import type * as LibPgQuery from 'libpg-query';
import { alterCommands, columnConstraints } from '../../sql/ast';
import type { AstNode, ParsedStatement } from '../../sql/parse';
import type { Rule } from '../types';
import { memoByNode } from '../../sql/objects/memo';

/** NAMEDATALEN - 1: the longest name PostgreSQL stores, in bytes. */
const MAX_BYTES = 63;

/**
 * The PostgreSQL scanner, required on first use so that loading the rule list does not load the WASM
 * parser early (src/sql/parser.ts loads it lazily; rules only run once it has been loaded).
 */
function scan(text: string): { start: number; text: string; tokenName?: string }[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('libpg-query') as typeof LibPgQuery).scanSync(text).tokens;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** A name of 60 bytes or more (one the parser may have cut); a UTF-16 unit is at most 3 UTF-8 bytes, so short names need no count. */
function someNameNearTheLimit(names: Map<string, string>): boolean {
  for (const n of names.keys()) if (n.length * 3 >= MAX_BYTES - 3 && bytes(n) >= MAX_BYTES - 3) return true;
  return false;
}

/** What PostgreSQL keeps of a long name: the first 63 bytes, cut at a character boundary. */
function clip(name: string): string {
  let out = '';
  let n = 0;
  for (const ch of name) {
    const b = bytes(ch);
    if (n + b > MAX_BYTES) break;
    out += ch;
    n += b;
  }
  return out;
}

/** The name an identifier token stands for: quoted as written, unquoted folded to lower case (ASCII only, as PostgreSQL does). */
function identValue(token: string): string | null {
  if (token.startsWith('"')) return token.slice(1, -1).replace(/""/g, '"');
  if (/^u&"/i.test(token)) return null;
  return token.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const last = (list: AstNode[] | undefined) => String(list?.[list.length - 1]?.['String']?.sval ?? '');

/** definedNames when one of them may have been cut (60 bytes or more), else null; once per parse-tree node. */
function longDefinedNames(stmt: ParsedStatement): Map<string, string> | null {
  return memoByNode('identifier-too-long', stmt.node, stmt.kind, () => {
    const names = definedNames(stmt);
    return someNameNearTheLimit(names) ? names : null;
  });
}

/** The names a statement defines (as the parser returns them, already cut to 63 bytes), with what each one names. */
function definedNames(stmt: ParsedStatement): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: unknown, kind: string) => {
    if (typeof name === 'string' && name !== '' && !out.has(name)) out.set(name, kind);
  };
  const constraints = (list: AstNode[]) => list.forEach((c) => add(c['conname'], 'constraint'));
  const columns = (col: AstNode) => {
    add(col['colname'], 'column');
    constraints(columnConstraints(col));
  };
  const selectNames = (query: AstNode | undefined) =>
    ((query?.['SelectStmt']?.targetList as AstNode[] | undefined) ?? []).forEach((t) => add(t['ResTarget']?.name, 'column'));
  const node = stmt.node!;
  switch (stmt.kind) {
    case 'CreateStmt':
      add(node['relation']?.relname, 'table');
      for (const e of (node['tableElts'] as AstNode[] | undefined) ?? []) {
        if (e['ColumnDef']) columns(e['ColumnDef']);
        if (e['Constraint']) constraints([e['Constraint']]);
      }
      break;
    case 'AlterTableStmt':
      for (const cmd of alterCommands(node)) {
        if (cmd['def']?.ColumnDef && cmd['subtype'] === 'AT_AddColumn') columns(cmd['def'].ColumnDef);
        if (cmd['def']?.Constraint) constraints([cmd['def'].Constraint]);
      }
      break;
    case 'IndexStmt': add(node['idxname'], 'index'); break;
    case 'CreateSeqStmt': add(node['sequence']?.relname, 'sequence'); break;
    case 'CreateSchemaStmt': add(node['schemaname'], 'schema'); break;
    case 'CreateFunctionStmt': add(last(node['funcname']), node['is_procedure'] ? 'procedure' : 'function'); break;
    case 'ViewStmt':
      add(node['view']?.relname, 'view');
      ((node['aliases'] as AstNode[] | undefined) ?? []).forEach((a) => add(a['String']?.sval, 'column'));
      selectNames(node['query']);
      break;
    case 'CreateTableAsStmt':
      add(node['into']?.rel?.relname, node['objtype'] === 'OBJECT_MATVIEW' ? 'materialized view' : 'table');
      ((node['into']?.colNames as AstNode[] | undefined) ?? []).forEach((a) => add(a['String']?.sval, 'column'));
      selectNames(node['query']);
      break;
    case 'RenameStmt': {
      const type = String(node['renameType'] ?? '').replace(/^OBJECT_/, '').toLowerCase();
      add(node['newname'], type === 'tabconstraint' ? 'constraint' : type === 'matview' ? 'materialized view' : type);
      break;
    }
    case 'CreateEnumStmt': add(last(node['typeName']), 'type'); break;
    case 'CompositeTypeStmt':
      add(node['typevar']?.relname, 'type');
      ((node['coldeflist'] as AstNode[] | undefined) ?? []).forEach((c) => c['ColumnDef'] && add(c['ColumnDef'].colname, 'attribute'));
      break;
    case 'CreateDomainStmt':
      add(last(node['domainname']), 'domain');
      constraints(((node['constraints'] as AstNode[] | undefined) ?? []).map((c) => c['Constraint']).filter(Boolean));
      break;
    case 'CreateTrigStmt': add(node['trigname'], 'trigger'); break;
    case 'CreatePolicyStmt': add(node['policy_name'], 'policy'); break;
    default: break;
  }
  return out;
}

/** Enum labels are not cut but rejected, so they are checked on the parse tree. */
function enumLabels(stmt: ParsedStatement): string[] {
  const node = stmt.node!;
  if (stmt.kind === 'CreateEnumStmt') return ((node['vals'] as AstNode[] | undefined) ?? []).map((v) => String(v['String']?.sval ?? ''));
  if (stmt.kind === 'AlterEnumStmt' && node['newVal']) return [String(node['newVal'])];
  return [];
}

/** Names longer than 63 bytes, which PostgreSQL silently cuts short. */
export const identifierTooLong: Rule = {
  id: 'identifier-too-long',
  defaultSeverity: 'warning',
  description: 'table, column, index, constraint or other name longer than 63 bytes',
  rationale:
    'PostgreSQL keeps at most 63 bytes of any name (NAMEDATALEN - 1) and quietly drops the rest, with only a NOTICE that ' +
    'migration tools rarely show. The object then exists under a shorter name than the one in the migration: code, ORMs and ' +
    'later migrations that look it up in the catalog by its full name do not find it, and two long names that share their ' +
    'first 63 bytes collide ("already exists"). Bytes, not characters, count: an accented letter takes two, many other ' +
    'characters three. Enum labels over 63 bytes are not cut but rejected with an error.',
  help: 'shorten the name to 63 bytes or less (abbreviate words, e.g. idx_ for index names)',
  bodies: 'all',
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (!stmt.node) continue;
      for (const label of enumLabels(stmt)) {
        if (bytes(label) > MAX_BYTES) {
          ctx.report({ statement: stmt, message: `enum label '${label}' is ${bytes(label)} bytes long; PostgreSQL rejects labels over ${MAX_BYTES} bytes` });
        }
      }
      const names = longDefinedNames(stmt);
      if (!names) continue;
      // The parser already cut the names short, so find the identifier as written.
      let tokens: { start: number; text: string; tokenName?: string }[];
      try {
        tokens = scan(stmt.text);
      } catch {
        continue;
      }
      const reported = new Set<string>();
      for (const tok of tokens) {
        if (tok.tokenName !== 'IDENT') continue;
        const value = identValue(tok.text);
        if (value === null || bytes(value) <= MAX_BYTES) continue;
        const kept = clip(value);
        const kind = names.get(kept);
        if (!kind || reported.has(kept)) continue;
        reported.add(kept);
        ctx.report({
          statement: stmt,
          at: tok.start,
          message: `${kind} name "${value}" is ${bytes(value)} bytes long; PostgreSQL silently cuts it to the first ${MAX_BYTES} bytes ("${kept}")`,
        });
      }
    }
  },
};
