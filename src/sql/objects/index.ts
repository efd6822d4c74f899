/**
 * The object model of a script, read from the parse tree: which database
 * objects a statement creates, drops or renames, which indexes and foreign keys
 * it defines, and which statements PostgreSQL refuses inside a transaction
 * block. Pure functions over libpg-query's JSON AST; no I/O.
 *
 * Names come from the parse tree, so unquoted identifiers are already folded
 * to lower case and quoted ones keep their case, exactly as PostgreSQL sees
 * them. An unqualified name matches the same name in any schema (it resolves
 * through search_path, usually to public).
 */
export * from './names';
export * from './definitions';
export * from './created';
export * from './dropped';
export * from './tracking';
export * from './transaction';
