/**
 * Loads node-postgres without its Cloudflare Workers probe.
 *
 * When `pg` is loaded it picks a socket implementation: a runtime with `navigator.userAgent` answers directly, one
 * without it (Node 20) is probed by constructing a fetch `Response`, which loads Node's bundled undici (about 40 ms
 * of CPU on every command that connects, measured with `node --cpu-prof`). Node 21 and later define
 * `navigator.userAgent` as "Node.js/<major>"; on Node 20 the same value is given for the duration of the load only,
 * then removed, so nothing else in the process sees a `navigator`.
 */
import type * as Pg from 'pg';

let loaded: typeof Pg | null = null;

export function loadPg(): typeof Pg {
  if (loaded) return loaded;
  const g = globalThis as { navigator?: unknown };
  if (g.navigator !== undefined) return (loaded = require('pg') as typeof Pg);
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` }, configurable: true, writable: true, enumerable: false,
  });
  try {
    return (loaded = require('pg') as typeof Pg);
  } finally {
    delete g.navigator;
  }
}
