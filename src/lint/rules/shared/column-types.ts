import { alterCommands, relName, typeInfo, type TypeInfo } from '../../../sql/ast';
import type { AstNode, ParsedStatement } from '../../../sql/parse';
import type { StatementEdit } from '../../types';

/** A column definition with a type, as written in CREATE TABLE or ALTER TABLE. */
export interface TypedColumn {
  statement: ParsedStatement;
  /** The ColumnDef body. */
  column: AstNode;
  /** Column name (ALTER COLUMN ... TYPE keeps it on the command, not the ColumnDef). */
  name: string;
  /** The table's RangeVar. */
  relation: AstNode;
  typeName: AstNode;
  type: TypeInfo;
  /** True for ALTER COLUMN ... TYPE, false for CREATE TABLE and ADD COLUMN. */
  alterType: boolean;
}

/**
 * The typed column definitions of plain tables in a list of statements:
 * CREATE TABLE columns, ALTER TABLE ... ADD COLUMN and ALTER COLUMN ... TYPE
 * (not composite-type attributes, which use the same nodes).
 */
const typedColumnsCache = new WeakMap<ParsedStatement[], TypedColumn[]>();

export function typedColumns(statements: ParsedStatement[]): TypedColumn[] {
  // Six rules ask for the same section's columns: compute once per section (callers only read the list).
  const cached = typedColumnsCache.get(statements);
  if (cached) return cached;
  const out: TypedColumn[] = [];
  typedColumnsCache.set(statements, out);
  const push = (stmt: ParsedStatement, relation: AstNode, col: AstNode | undefined, name: string, alterType: boolean) => {
    const typeName = col?.['typeName'] as AstNode | undefined;
    const type = typeInfo(typeName);
    if (!col || !typeName || !type) return;
    out.push({ statement: stmt, column: col, name, relation, typeName, type, alterType });
  };
  for (const stmt of statements) {
    const node = stmt.node;
    if (!node) continue;
    if (stmt.kind === 'CreateStmt') {
      for (const elt of (node['tableElts'] as AstNode[] | undefined) ?? []) {
        const col = elt['ColumnDef'] as AstNode | undefined;
        if (col) push(stmt, node['relation'], col, String(col['colname'] ?? ''), false);
      }
    } else if (stmt.kind === 'AlterTableStmt' && node['objtype'] === 'OBJECT_TABLE') {
      for (const cmd of alterCommands(node)) {
        const col = cmd['def']?.['ColumnDef'] as AstNode | undefined;
        if (cmd['subtype'] === 'AT_AddColumn') push(stmt, node['relation'], col, String(col?.['colname'] ?? ''), false);
        else if (cmd['subtype'] === 'AT_AlterColumnType') push(stmt, node['relation'], col, String(cmd['name'] ?? ''), true);
      }
    }
  }
  return out;
}

/** A built-in type: unqualified or in pg_catalog. */
export function isBuiltin(type: TypeInfo, ...names: string[]): boolean {
  return (type.schema === null || type.schema.toLowerCase() === 'pg_catalog') && names.includes(type.name);
}

/** SQL spellings of built-in types the parser names internally. */
const SPELLING: Record<string, string> = {
  int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean',
  bpchar: 'char', varbit: 'bit varying',
};

/** How a type reads in a message: 'varchar(20)', 'numeric(10,2)', 'integer[]'. */
export function typeLabel(type: TypeInfo): string {
  const name = (type.schema === null || type.schema === 'pg_catalog') && SPELLING[type.name] ? SPELLING[type.name] : type.name;
  return `${name}${type.mods.length ? `(${type.mods.join(',')})` : ''}${type.isArray ? '[]' : ''}`;
}

/**
 * True when `column` was added to the table `rel` by ALTER TABLE ... ADD COLUMN
 * before statement `before` (so it is new: no code uses it and it holds no data yet).
 */
export function addedBefore(statements: ParsedStatement[], before: number, rel: AstNode, column: string): boolean {
  return statements.some((s) => s.index < before && s.kind === 'AlterTableStmt' && s.node
    && relName(s.node['relation']) === relName(rel)
    && alterCommands(s.node).some((c) => c['subtype'] === 'AT_AddColumn' && c['def']?.['ColumnDef']?.['colname'] === column));
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;
/** Words that continue a multi-word type name. */
const CONTINUATION = new Set(['varying', 'precision', 'char', 'character']);
const TRAILING = new Set(['with', 'without', 'time', 'zone', 'varying', 'precision']);

/**
 * JS offset just after a type spelled at `start` in `text`: its (possibly
 * schema-qualified, possibly multi-word) name, its modifier list and a
 * trailing WITH/WITHOUT TIME ZONE, but not its array brackets. -1 when the
 * spelling is unusual (comments inside the type, ...), so no fix is offered.
 */
export function typeEnd(text: string, start: number): number {
  let i = readName(text, start);
  if (i < 0) return -1;
  while (text[i] === '.') {
    i = readName(text, i + 1);
    if (i < 0) return -1;
  }
  for (;;) {
    const w = wordAfter(text, i);
    if (!w || !CONTINUATION.has(w.word.toLowerCase())) break;
    i = w.end;
  }
  let j = skipSpace(text, i);
  if (text[j] === '(') {
    const close = text.indexOf(')', j);
    if (close === -1) return -1;
    i = close + 1;
  }
  const zone = /\s+with(out)?\s+time\s+zone\b/iy;
  zone.lastIndex = i;
  if (zone.exec(text)) i = zone.lastIndex;
  // A comment inside the type (`timestamp /* x */ without time zone`) is beyond this reader: no fix.
  j = skipSpaceAndComments(text, i);
  const next = wordAfter(text, j);
  if (j !== skipSpace(text, i) && next && TRAILING.has(next.word.toLowerCase())) return -1;
  return i;
}

/** An edit replacing the type of `col` (name, modifiers, WITH/WITHOUT TIME ZONE) with `replacement`; arrays keep their brackets. */
export function typeEdit(col: TypedColumn, replacement: string): StatementEdit | undefined {
  if (col.type.location === undefined) return undefined;
  const stmt = col.statement;
  const start = stmt.toOffset(col.type.location);
  const end = typeEnd(stmt.text, start);
  if (end <= start) return undefined;
  const written = stmt.text.slice(start, end);
  const upper = /^[^a-z]*$/.test(written) && /[A-Z]/.test(written);
  return { statement: stmt, start, end, text: upper ? replacement.toUpperCase() : replacement };
}

function readName(text: string, i: number): number {
  if (text[i] === '"') {
    let k = i + 1;
    for (;;) {
      const q = text.indexOf('"', k);
      if (q === -1) return -1;
      if (text[q + 1] === '"') { k = q + 2; continue; }
      return q + 1;
    }
  }
  WORD.lastIndex = i;
  return WORD.exec(text) ? WORD.lastIndex : -1;
}

function wordAfter(text: string, i: number): { word: string; end: number } | null {
  WORD.lastIndex = skipSpace(text, i);
  const m = WORD.exec(text);
  return m ? { word: m[0], end: WORD.lastIndex } : null;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function skipSpaceAndComments(text: string, i: number): number {
  for (;;) {
    i = skipSpace(text, i);
    if (text.startsWith('--', i)) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 2;
    } else return i;
  }
}
