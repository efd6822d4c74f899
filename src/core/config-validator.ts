/**
 * The config file's JSON Schema validator. `npm run build` (scripts/bundle.mjs) precompiles the schema with
 * ajv's standalone code generator into dist/config-validator.js, stamped with the SHA-256 of the schema it was
 * made from; loading it costs a fraction of requiring ajv and compiling the schema at run time. When that file
 * is missing (e.g. the bundled VS Code extension) or was made from another schema, the schema is compiled here.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject } from 'ajv';
import { packageRoot } from './package-root';

/** An ajv validate function: true when valid, otherwise `errors` holds the problems. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** How the validator was obtained: the build's precompiled code, or compiled from the schema at run time. */
export type ValidatorSource = 'precompiled' | 'compiled';

/** The precompiled validator's file name under dist/ (written by scripts/bundle.mjs). */
export const PRECOMPILED_VALIDATOR = 'config-validator.js';

/** The options the schema is compiled with, at build time and at run time alike. */
export const AJV_OPTIONS = { allErrors: true, strict: false } as const;

let loaded: { validate: SchemaValidator; source: ValidatorSource } | null = null;

/** The validator for schema/config.schema.json, loaded once per process. */
export function configValidator(schemaPath: string): { validate: SchemaValidator; source: ValidatorSource } {
  if (loaded) return loaded;
  const schemaText = fs.readFileSync(schemaPath, 'utf8');
  const precompiled = loadPrecompiled(path.join(packageRoot(), 'dist', PRECOMPILED_VALIDATOR), schemaSha256(schemaText));
  loaded = precompiled ? { validate: precompiled, source: 'precompiled' } : { validate: compileSchema(JSON.parse(schemaText) as object), source: 'compiled' };
  return loaded;
}

/** Compiles a schema with ajv (required only here: it is the slow path). */
export function compileSchema(schema: object): SchemaValidator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  return new Ajv(AJV_OPTIONS).compile(schema) as SchemaValidator;
}

export function schemaSha256(schemaText: string): string {
  return createHash('sha256').update(schemaText).digest('hex');
}

/** The precompiled validator in `file`, or null when it is missing, unreadable or made from another schema (`sha256`). */
export function loadPrecompiled(file: string, sha256: string): SchemaValidator | null {
  if (!fs.existsSync(file)) return null;
  try {
    // A computed path: bundlers leave it to Node at run time.
    const mod = require(file) as SchemaValidator & { schemaSha256?: string };
    return typeof mod === 'function' && mod.schemaSha256 === sha256 ? mod : null;
  } catch {
    return null;
  }
}
