/**
 * Dictionaries keyed by producer input (payment channels, reason codes, label tables) as plain JSON
 * objects for the wire and checkpoints. A plain `{}` inherits from Object.prototype: `o.__proto__ =
 * v` replaces its prototype and `o.constructor` reads a function, so a channel named `__proto__` or
 * `constructor` would vanish, show as "function …", or pollute every object. These helpers never
 * touch inherited members.
 */

/** A prototype-free object from entries: every key, `__proto__` included, becomes an own property. */
export function dictFrom<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/** The own value of `key` in `o`; undefined for inherited members such as `constructor` or `toString`. */
export function ownValue<V>(o: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** A JSON object (not null, not an array): the first check on any parsed input. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
