/**
 * Per parse-tree node results of the statement helpers (objects created and dropped, index and foreign key
 * definitions). Dozens of rules ask them of every statement on every lint; keyed by the node, a re-lint after an
 * edit (which reuses the nodes of the statements it did not touch) computes them only for the edited statement.
 * Results are frozen, deep: a caller that wants to change one copies it first.
 */
import type { AstNode } from '../parse';

const caches = new Map<string, WeakMap<object, Map<string | null, unknown>>>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** `compute()` once per (helper, node, variant); `node` null is not cached (the helpers return [] for it). */
export function memoByNode<T>(helper: string, node: AstNode | null, variant: string | null, compute: () => T): T {
  if (!node || typeof node !== 'object') return compute();
  let byNode = caches.get(helper);
  if (!byNode) caches.set(helper, (byNode = new WeakMap()));
  let byVariant = byNode.get(node);
  if (!byVariant) byNode.set(node, (byVariant = new Map()));
  if (byVariant.has(variant)) return byVariant.get(variant) as T;
  const result = deepFreeze(compute());
  byVariant.set(variant, result);
  return result;
}
