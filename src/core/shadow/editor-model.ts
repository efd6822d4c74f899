/**
 * What the editor shows from the shadow schema, as plain data: completion candidates at a cursor, hover text of
 * the name under it, which object that name is, and replay errors as ranges. The cursor's surroundings are read
 * with PostgreSQL's own scanner (libpg-query), so strings, quoted names and comments are read as the server reads
 * them. The extension maps these results to its editor's types; nothing here knows the editor.
 */
import * as path from 'node:path';
import { isMigrationError } from '../errors';
import type { Parser } from '../../sql/parser';
import { parseScriptSync } from '../../sql/parse';
import { scanTokens, type ScannedToken } from '../../sql/split';
import type { QualifiedName } from '../../sql/objects';
import { catalogAt, objectOrigins, objectsAt, schemaObjects } from './objects';
import type { ObjectOrigin, SchemaObjects, ShadowRelation, ShadowSchema, ShadowStatementError } from './types';

type Token = ScannedToken;

const RESERVED_KEYWORD = 4;
const NO_KEYWORD = 0;
const COMMENT_OR_STRING = new Set(['SQL_COMMENT', 'C_COMMENT', 'SCONST', 'USCONST', 'BCONST', 'XCONST']);
/** Keywords after which a statement names a relation (ALTER TABLE x, CREATE INDEX ... ON x, REFERENCES x, ...). */
const RELATION_INTRO = new Set(['from', 'join', 'update', 'into', 'table', 'on', 'references', 'truncate']);
/** Words between an introducing keyword and the relation's name. */
const RELATION_SKIP = new Set(['if', 'not', 'exists', 'only']);

/** A relation named by the statement around the cursor, with its alias. */
export interface NamedRelation {
  name: QualifiedName;
  alias: string | null;
}

/** The cursor's surroundings inside its statement. */
export interface CursorContext {
  /** Names written before the word at the cursor: ['m'] after "m.", ['public', 'missions'] after "public.missions.". */
  qualifier: string[];
  /** The part of the word at the cursor typed so far, and its start (offset in the text). */
  prefix: string;
  prefixStart: number;
  relations: NamedRelation[];
}


/**
 * The tokens around `offset`: the statement that holds it, or the gap between two statements. The statement list
 * comes from the parse the linter keeps of this very text (an edit re-parses only what it touched), so a request in
 * a long migration scans one statement, not the file.
 */
function tokensAround(parser: Parser, text: string, offset: number): Token[] | null {
  let from = 0;
  let to = text.length;
  for (const st of parseScriptSync(parser, text)) {
    if (st.text.endsWith(';') && st.end <= offset) { from = st.end; continue; }
    if (st.start > offset) { to = st.start; break; }
    // It holds the offset, or it has no ";" yet and goes on up to the offset.
    from = st.start;
    if (st.end >= offset) { to = st.end; break; }
  }
  return scanTokens(parser, text.slice(from, to), from);
}

/** A token that can be a name: an identifier, or a keyword PostgreSQL accepts as one. */
function isName(t: Token | undefined): t is Token {
  return !!t && t.tokenName !== 'SCONST' && (t.tokenName === 'IDENT' || (t.keywordKind > NO_KEYWORD && t.keywordKind < RESERVED_KEYWORD));
}

/** The name a token stands for: quoted names keep their case, the others fold to lower case. */
function nameOf(t: Token): string {
  return t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase();
}

/** The tokens of the statement around `offset` (between the semicolons before and after it). */
function statementTokens(tokens: Token[], offset: number): Token[] {
  let from = 0;
  let to = tokens.length;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.text !== ';') continue;
    if (tokens[i]!.end <= offset) from = i + 1;
    else { to = i; break; }
  }
  return tokens.slice(from, to).filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
}

/** "a", "a.b" starting at token i: the parts and the index after them. */
function dottedName(tokens: Token[], i: number): { parts: string[]; next: number } | null {
  if (!isName(tokens[i])) return null;
  const parts = [nameOf(tokens[i]!)];
  let j = i + 1;
  while (tokens[j]?.text === '.' && isName(tokens[j + 1])) {
    parts.push(nameOf(tokens[j + 1]!));
    j += 2;
  }
  return { parts, next: j };
}

/** Relations the statement names after FROM, JOIN, UPDATE, INTO, TABLE, ON, REFERENCES (with their aliases). */
function namedRelations(tokens: Token[]): NamedRelation[] {
  const out: NamedRelation[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]!.text.toLowerCase();
    if (!RELATION_INTRO.has(word) || tokens[i]!.tokenName === 'IDENT') continue;
    let j = i + 1;
    for (;;) {
      while (tokens[j] && RELATION_SKIP.has(tokens[j]!.text.toLowerCase()) && tokens[j]!.tokenName !== 'IDENT') j++;
      const name = dottedName(tokens, j);
      if (!name || name.parts.length > 2) break;
      j = name.next;
      let alias: string | null = null;
      // An alias is a plain identifier, or any name after AS (keywords such as JOIN or WHERE end the name).
      if (tokens[j]?.text.toLowerCase() === 'as' && isName(tokens[j + 1])) { alias = nameOf(tokens[j + 1]!); j += 2; }
      else if (tokens[j]?.keywordKind === NO_KEYWORD && tokens[j]?.tokenName === 'IDENT') { alias = nameOf(tokens[j]!); j++; }
      const parts = name.parts;
      out.push({ name: { schema: parts.length === 2 ? parts[0]! : null, name: parts[parts.length - 1]! }, alias });
      // FROM a, b: the list goes on after a comma.
      if (word !== 'from' || tokens[j]?.text !== ',') break;
      j++;
    }
  }
  return out;
}

/** What surrounds the cursor; null inside a string or a comment, or when the text does not scan. */
export function cursorContext(parser: Parser, text: string, offset: number): CursorContext | null {
  const tokens = tokensAround(parser, text, offset);
  if (!tokens) return null;
  if (tokens.some((t) => t.start < offset && offset < t.end && COMMENT_OR_STRING.has(t.tokenName))) return null;
  // A line comment runs to the end of its line: the cursor right after it is still inside.
  if (tokens.some((t) => t.end === offset && t.tokenName === 'SQL_COMMENT')) return null;
  const statement = statementTokens(tokens, offset);
  const before = statement.filter((t) => t.end <= offset);
  let k = before.length - 1;
  let prefix = '';
  let prefixStart = offset;
  const last = before[k];
  if (last && last.end === offset && isName(last)) {
    prefix = last.text.startsWith('"') ? last.text.slice(1) : last.text.toLowerCase();
    prefixStart = last.start;
    k--;
  }
  const qualifier: string[] = [];
  while (before[k]?.text === '.' && isName(before[k - 1]) && qualifier.length < 2) {
    qualifier.unshift(nameOf(before[k - 1]!));
    k -= 2;
  }
  return { qualifier, prefix, prefixStart, relations: namedRelations(statement) };
}

/** The shadow's knowledge at one migration: objects before it, those it makes itself, where objects came from. */
export interface MigrationView {
  /** Objects before the migration runs. */
  before: SchemaObjects;
  /** Objects after it (what it creates itself shows from here); null when the file is not in the history. */
  after: SchemaObjects | null;
  /** Origins up to and including this migration. */
  origins: Map<string, ObjectOrigin>;
  /** This migration's file name, for "created in this migration". */
  file: string | null;
}

/** The view of the migration at `index` of the history (-1, a file the history does not know: after everything). */
export function migrationView(schema: ShadowSchema, index: number, parser?: Parser): MigrationView {
  const known = index >= 0 && index < schema.positions.length;
  return {
    before: objectsAt(schema, index),
    after: known ? schemaObjects(catalogAt(schema, index + 1)) : null,
    origins: objectOrigins(schema, parser, known ? index + 1 : schema.positions.length),
    file: known ? schema.positions[index]!.file : null,
  };
}

/** A relation by name: a schema-qualified name exactly, an unqualified one in public first (the search path). */
export function findRelation(objects: SchemaObjects, name: QualifiedName): ShadowRelation | undefined {
  const matches = objects.relations.filter((r) => r.name === name.name && (!name.schema || r.schema === name.schema));
  return matches.find((r) => r.schema === 'public') ?? matches[0];
}

/** The relation a name in the statement stands for: an alias, else a relation (before the migration, else made by it). */
export function resolveRelation(view: MigrationView, relations: NamedRelation[], parts: string[]): ShadowRelation | undefined {
  const aliased = parts.length === 1 ? relations.find((r) => r.alias === parts[0]) : undefined;
  const name: QualifiedName = aliased ? aliased.name : { schema: parts.length === 2 ? parts[0]! : null, name: parts[parts.length - 1]! };
  return findRelation(view.before, name) ?? (view.after ? findRelation(view.after, name) : undefined);
}

export type CandidateKind = 'schema' | 'table' | 'view' | 'column' | 'type' | 'function';

export interface CompletionCandidate {
  label: string;
  kind: CandidateKind;
  /** Column type, or the object's kind and qualified name. */
  detail: string;
  /** Sorts the list: columns of the statement's relations first. */
  sortText: string;
}

const qualified = (schema: string, name: string) => (schema === 'public' ? name : `${schema}.${name}`);

function relationCandidate(r: ShadowRelation, sort: string, schemaShown: boolean): CompletionCandidate {
  return {
    label: schemaShown ? qualified(r.schema, r.name) : r.name,
    kind: r.kind.includes('view') ? 'view' : 'table',
    detail: `${r.kind} ${r.schema}.${r.name}`,
    sortText: `${sort}${r.name}`,
  };
}

function columnCandidates(r: ShadowRelation, sort: string): CompletionCandidate[] {
  return r.columns.map((c) => ({ label: c.name, kind: 'column' as const, detail: `${c.type} — ${r.schema}.${r.name}.${c.name}: ${c.definition}`, sortText: `${sort}${c.name}` }));
}

/** Objects of a schema (after "schema."): its relations, functions and types. */
function inSchema(objects: SchemaObjects, schema: string): CompletionCandidate[] {
  return [
    ...objects.relations.filter((r) => r.schema === schema).map((r) => relationCandidate(r, '1', false)),
    ...objects.functions.filter((f) => f.schema === schema).map((f) => ({ label: f.name, kind: 'function' as const, detail: `${f.kind} ${f.schema}.${f.name}(${f.args})`, sortText: `2${f.name}` })),
    ...objects.types.filter((t) => t.schema === schema).map((t) => ({ label: t.name, kind: 'type' as const, detail: `type ${t.schema}.${t.name}: ${t.definition}`, sortText: `2${t.name}` })),
  ];
}

/** Before plus what the migration itself creates (relations it makes are listed after those that exist before it). */
function visibleObjects(view: MigrationView): SchemaObjects {
  if (!view.after) return view.before;
  const known = new Set(view.before.relations.map((r) => `${r.schema}.${r.name}`));
  const own = view.after.relations.filter((r) => !known.has(`${r.schema}.${r.name}`));
  if (!own.length) return view.before;
  return { ...view.before, relations: [...view.before.relations, ...own] };
}

/**
 * Completion candidates at the cursor: after "alias." or "table." the columns of that relation; after "schema." its
 * objects; otherwise the columns of the statement's relations first, then relations, schemas, functions and types.
 */
export function completionCandidates(view: MigrationView, ctx: CursorContext): CompletionCandidate[] {
  const objects = visibleObjects(view);
  if (ctx.qualifier.length) {
    const relation = resolveRelation(view, ctx.relations, ctx.qualifier);
    if (relation) return columnCandidates(relation, '0');
    return ctx.qualifier.length === 1 && objects.schemas.includes(ctx.qualifier[0]!) ? inSchema(objects, ctx.qualifier[0]!) : [];
  }
  const seen = new Set<ShadowRelation>();
  const out: CompletionCandidate[] = [];
  for (const named of ctx.relations) {
    const r = resolveRelation(view, [], named.name.schema ? [named.name.schema, named.name.name] : [named.name.name]);
    if (r && !seen.has(r)) { seen.add(r); out.push(...columnCandidates(r, '0')); }
  }
  // Relations outside public are offered qualified; a schema's name completes to its objects after the dot.
  out.push(...objects.relations.map((r) => relationCandidate(r, '1', true)));
  out.push(...objects.schemas.map((s) => ({ label: s, kind: 'schema' as const, detail: `schema ${s}`, sortText: `3${s}` })));
  out.push(...inSchema(objects, 'public').filter((c) => c.kind !== 'table' && c.kind !== 'view'));
  return out;
}

/** The name under the cursor: its dotted parts up to the one the cursor is on. */
export function nameAt(parser: Parser, text: string, offset: number): { parts: string[]; start: number; end: number; relations: NamedRelation[] } | null {
  const tokens = tokensAround(parser, text, offset);
  if (!tokens) return null;
  const statement = statementTokens(tokens, offset);
  const i = statement.findIndex((t) => t.start <= offset && offset <= t.end && isName(t));
  if (i === -1) return null;
  const parts = [nameOf(statement[i]!)];
  for (let k = i - 1; statement[k]?.text === '.' && isName(statement[k - 1]) && parts.length < 3; k -= 2) parts.unshift(nameOf(statement[k - 1]!));
  return { parts, start: statement[i]!.start, end: statement[i]!.end, relations: namedRelations(statement) };
}

/** A catalog key for the name under the cursor: a relation, a column (of a qualifier or of the statement's relations). */
export function objectKeyAt(view: MigrationView, name: { parts: string[]; relations: NamedRelation[] }): { key: string; relation: ShadowRelation; column: string | null } | null {
  const { parts, relations } = name;
  const last = parts[parts.length - 1]!;
  const keyOf = (r: ShadowRelation) => `${r.kind} ${r.schema}.${r.name}`;
  if (parts.length > 1) {
    const owner = resolveRelation(view, relations, parts.slice(0, -1));
    if (owner?.columns.some((c) => c.name === last)) return { key: `column ${owner.schema}.${owner.name}.${last}`, relation: owner, column: last };
  }
  if (parts.length <= 2) {
    const relation = resolveRelation(view, relations, parts);
    if (relation) return { key: keyOf(relation), relation, column: null };
  }
  if (parts.length === 1) {
    for (const named of relations) {
      const r = resolveRelation(view, [], named.name.schema ? [named.name.schema, named.name.name] : [named.name.name]);
      if (r?.columns.some((c) => c.name === last)) return { key: `column ${r.schema}.${r.name}.${last}`, relation: r, column: last };
    }
  }
  return null;
}

/** "Created in 002_x.sql, last changed in 010_y.sql." for an origin; "in this migration" for the file being edited. */
export function originText(view: MigrationView, key: string): string | null {
  const origin = view.origins.get(key);
  if (!origin) return null;
  const where = (file: string) => (file === view.file ? `this migration (${path.basename(file)})` : path.basename(file));
  if (origin.created.file === origin.changed.file) return `Created in ${where(origin.created.file)}; not changed since.`;
  return `Created in ${where(origin.created.file)}, last changed in ${where(origin.changed.file)}.`;
}

/** A definition on one line (a generated column's expression prints over several). */
const oneLine = (definition: string) => definition.replace(/\s+/g, ' ').trim();

/**
 * Hover text (Markdown) of the name under the cursor: what it is, where it came from (first, so a long table does not
 * push it out of view), then its columns with their definitions (and a view's query). Null when the shadow does not
 * know the name as a relation or column.
 */
export function hoverMarkdown(view: MigrationView, name: { parts: string[]; relations: NamedRelation[] }): string | null {
  const found = objectKeyAt(view, name);
  if (!found) return null;
  const { relation: r, column } = found;
  const isView = r.kind.includes('view');
  const origin = originText(view, found.key);
  const lines: string[] = [];
  if (column) {
    const c = r.columns.find((x) => x.name === column)!;
    lines.push(`**column** \`${r.schema}.${r.name}.${c.name}\``);
    if (origin) lines.push('', origin);
    lines.push('', '```sql', `${c.name} ${oneLine(c.definition)}`, '```');
    return lines.join('\n');
  }
  lines.push(`**${r.kind}** \`${r.schema}.${r.name}\`${r.definition && !isView ? ` (${oneLine(r.definition)})` : ''}`);
  if (origin) lines.push('', origin);
  lines.push('', '```sql', ...r.columns.map((c) => `${c.name} ${oneLine(c.definition)}`), '```');
  if (isView && r.definition.trim()) lines.push('', '```sql', `AS ${r.definition.trim()}`, '```');
  return lines.join('\n');
}

/** A replay error's range, 0-based as editors count (the error's own positions are 1-based). */
export function errorRange(e: ShadowStatementError): { startLine: number; startCharacter: number; endLine: number; endCharacter: number } {
  const startLine = Math.max(0, e.line - 1);
  const startCharacter = Math.max(0, e.column - 1);
  let endLine = Math.max(startLine, e.endLine - 1);
  let endCharacter = Math.max(0, e.endColumn - 1);
  if (endLine === startLine && endCharacter <= startCharacter) { endLine = startLine; endCharacter = startCharacter + 1; }
  return { startLine, startCharacter, endLine, endCharacter };
}

/** A replay error as the editor shows it: the server's message, its hint, and its SQLSTATE. */
export function errorMessage(e: ShadowStatementError): string {
  return `${e.message}${e.hint ? `\n${e.hint}` : ''}\n(this statement fails on the migration history replayed into the embedded database)`;
}

/** A version-parity warning (the shadow's PostgreSQL accepts the statement, the configured server's does not) with its hint. */
export function warningMessage(w: ShadowStatementError): string {
  return `${w.message}${w.hint ? `\n${w.hint}` : ''}`;
}

/** Where the shadow could not be built at all (e.g. an extension the embedded database lacks), for the editor to show. */
export interface ShadowFailure {
  /** Absolute path of the migration file the failure names. */
  file: string;
  /** 0-based line and character, as editors count. */
  line: number;
  character: number;
  message: string;
  code: string;
}

/** A build failure that names a file, placed in it (null for failures without a file: those go to the log only). */
export function shadowFailure(err: unknown, root: string): ShadowFailure | null {
  if (!isMigrationError(err) || !err.location.file) return null;
  return {
    file: path.resolve(root, err.location.file),
    line: Math.max(0, (err.location.line ?? 1) - 1),
    character: Math.max(0, (err.location.column ?? 1) - 1),
    message: `${err.message}\nfix: ${err.hint}`,
    code: err.code,
  };
}
