// Hidesets (Prosser's algorithm): the macro names a token may no longer expand. Interned immutable sets, so equal
// hidesets share one object and unions of the same sets are computed once.

export type HideSet = ReadonlySet<string> | undefined;

const addCache = new WeakMap<ReadonlySet<string>, Map<string, ReadonlySet<string>>>();
const singletons = new Map<string, ReadonlySet<string>>();

export function hsAdd(hs: HideSet, name: string): ReadonlySet<string> {
  if (!hs) {
    let s = singletons.get(name);
    if (!s) singletons.set(name, (s = new Set([name])));
    return s;
  }
  if (hs.has(name)) return hs;
  let m = addCache.get(hs);
  if (!m) addCache.set(hs, (m = new Map()));
  let s = m.get(name);
  if (!s) m.set(name, (s = new Set([...hs, name])));
  return s;
}

export function hsUnion(a: HideSet, b: HideSet): HideSet {
  if (!a) return b;
  if (!b || a === b) return a;
  let s: HideSet = a;
  for (const n of b) s = hsAdd(s, n);
  return s;
}

export function hsIntersect(a: HideSet, b: HideSet): HideSet {
  if (!a || !b) return undefined;
  if (a === b) return a;
  let s: HideSet;
  for (const n of a) if (b.has(n)) s = hsAdd(s, n);
  return s;
}
