/**
 * The statements rules see: a section's statements with the SQL inside its PL/pgSQL bodies placed right after the
 * statement that holds it, numbered again in that order (so `index` comparisons keep their meaning). Parsed
 * statements are shared by the parse cache: the lists hold copies, never the cached objects re-numbered.
 */
import { bodyStatements, type EmbeddedStatement } from '../sql/bodies';
import type { ParsedStatement } from '../sql/parse';
import type { Parser } from '../sql/parser';
import type { Rule } from './types';

export interface SectionStatements {
  /** What runs during the migration: the section's statements and those of its DO blocks. */
  migration: ParsedStatement[];
  /** The same and the statements of function and procedure bodies. */
  all: ParsedStatement[];
  /** The section's own statement a listed statement stands for: itself, or the statement whose body holds it. */
  topLevel(stmt: ParsedStatement): ParsedStatement;
  /** True for a statement found inside a body. */
  isEmbedded(stmt: ParsedStatement): boolean;
}

const NO_BODIES = (statements: ParsedStatement[]): SectionStatements =>
  ({ migration: statements, all: statements, topLevel: (s) => s, isEmbedded: () => false });

export function sectionStatements(parser: Parser, statements: ParsedStatement[]): SectionStatements {
  // Only DO blocks and functions have bodies: most sections have none and are used as they are.
  if (!statements.some((s) => s.kind === 'DoStmt' || s.kind === 'CreateFunctionStmt')) return NO_BODIES(statements);
  const bodies = statements.map((s) => bodyStatements(parser, s));
  const top = new Map<ParsedStatement, ParsedStatement>();
  const embedded = new Set<ParsedStatement>();
  /** The section's statements with the body statements that `take` accepts; the section's own list when none. */
  const listWith = (take: (e: EmbeddedStatement) => boolean): ParsedStatement[] => {
    if (!bodies.some((b) => b.some(take))) return statements;
    const list: ParsedStatement[] = [];
    const add = (stmt: ParsedStatement, topLevel: ParsedStatement) => {
      const copy = { ...stmt, index: list.length };
      list.push(copy);
      top.set(copy, topLevel);
      if (stmt !== topLevel) embedded.add(copy);
    };
    statements.forEach((stmt, i) => {
      add(stmt, stmt);
      for (const e of bodies[i]!) if (take(e)) add(e, stmt);
    });
    return list;
  };
  const migration = listWith((e) => e.runsAt === 'migration');
  const all = bodies.some((b) => b.some((e) => e.runsAt === 'call')) ? listWith(() => true) : migration;
  return { migration, all, topLevel: (s) => top.get(s) ?? s, isEmbedded: (s) => embedded.has(s) };
}

/** The statements a rule is given (see Rule.bodies). */
export function statementsFor(rule: Rule, section: SectionStatements): ParsedStatement[] {
  return rule.bodies === 'all' ? section.all : section.migration;
}
