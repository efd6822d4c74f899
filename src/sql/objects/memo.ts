/**
 * Per parse-tree node results of the statement helpers (objects created and dropped, index and foreign key
 * definitions). Dozens of rules ask them of every statement on every lint; keyed by the node, a re-lint after an
 * edit (which reuses the nodes of the statements it did not touch) computes them only for the edited statement.
 *
 * Results are shared between callers: they must not be changed (copy first). The top level is frozen (an array and
 * its elements, or an object) so a mistake fails loudly; nested values are not walked, since they may hold parse-tree
 * nodes, and freezing whole trees on every first use cost more than the memo saved on a one-off CLI lint.
 */
import type { AstNode } from '../parse';

/** One cached result per node; a node asked with several variants (schemas) keeps the others in `more`. */
interface Entry { variant: string | null; result: unknown; more?: Map<string | null, unknown> }

const caches = new Map<string, WeakMap<object, Entry>>();

function freezeTop<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    if (Array.isArray(value)) for (const v of value) if (v && typeof v === 'object') Object.freeze(v);
    Object.freeze(value);
  }
  return value;
}

/** `compute()` once per (helper, node, variant); `node` null is not cached (the helpers return [] for it). */
export function memoByNode<T>(helper: string, node: AstNode | null, variant: string | null, compute: () => T): T {
  if (!node || typeof node !== 'object') return compute();
  let byNode = caches.get(helper);
  if (!byNode) caches.set(helper, (byNode = new WeakMap()));
  const entry = byNode.get(node);
  if (entry) {
    if (entry.variant === variant) return entry.result as T;
    if (entry.more?.has(variant)) return entry.more.get(variant) as T;
    const result = freezeTop(compute());
    (entry.more ??= new Map()).set(variant, result);
    return result;
  }
  const result = freezeTop(compute());
  byNode.set(node, { variant, result });
  return result;
}
