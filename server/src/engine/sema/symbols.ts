// Declarations and the symbol tables they fill, versioned by declaration: any top-level declaration can be
// parsed again in exactly the context it had (what the declarations before it defined), which is what lets
// an edit re-parse one declaration instead of the translation unit.

import type { StaticAssertDecl } from './parser';
import type { Problem } from '../base/problems';
import type { EnumDef, RecordDef } from './types';

/** One top-level declaration (external declaration) of the translation unit and everything it did. */
export interface Decl {
  /** Order in the translation unit. Fractional while replacements are being parsed; renumbered after. */
  index: number;
  /** Token range [s, e) in the preprocessed stream. */
  s: number;
  e: number;
  /** One past the furthest token its parse looked at (beyond e when it backed up after scanning ahead). */
  reach: number;
  /** Names looked up (table 0: ordinary identifiers, 1: tags) and what each lookup found, in order. */
  readTable: number[];
  readName: string[];
  readValue: unknown[];
  /** Records and enums whose layout (size, members, underlying type) was read while parsing it. */
  content: Set<RecordDef | EnumDef> | undefined;
  /** Records and enums whose completeness was checked. */
  complete: Set<RecordDef | EnumDef> | undefined;
  /** Names it bound: table, name (value in the table). */
  defTable: number[];
  defName: string[];
  /** Records and enums declared elsewhere that it completed, with the fields they had before. */
  completes: Array<{ def: RecordDef | EnumDef; saved: Partial<RecordDef> & Partial<EnumDef> }>;
  /** Records and enums it created (kept identical when the declaration is parsed again). */
  created: Array<RecordDef | EnumDef>;
  records: RecordDef[];
  enums: EnumDef[];
  asserts: StaticAssertDecl[];
  problems: Problem[] | undefined;
}

/** Shared by declarations that track nothing (never written to: pushes are guarded by the parser's track flag). */
const NONE: never[] = Object.freeze([]) as unknown as never[];

/** A declaration starting at token s; `track` gives it the arrays reparse() needs. */
export function newDecl(index: number, s: number, track = true): Decl {
  return track
    ? {
        index, s, e: s, reach: s,
        readTable: [], readName: [], readValue: [],
        content: undefined, complete: undefined,
        defTable: [], defName: [],
        completes: [], created: [],
        records: [], enums: [], asserts: [], problems: undefined,
      }
    : {
        index, s, e: s, reach: s,
        readTable: NONE, readName: NONE, readValue: NONE,
        content: undefined, complete: undefined,
        defTable: NONE, defName: NONE,
        completes: NONE, created: NONE,
        records: [], enums: [], asserts: [], problems: undefined,
      };
}

/**
 * A parsed declaration's lookup and binding logs cut to their length: a log pushed to has room for 17 entries or
 * more, and most hold one to three (in the memdesc set 65,000 such logs, about 10 MB, were mostly room).
 */
export function trimLogs(d: Decl): void {
  if (d.readTable.length > 0) {
    d.readTable = d.readTable.slice();
    d.readName = d.readName.slice();
    d.readValue = d.readValue.slice();
  }
  if (d.defTable.length > 0) {
    d.defTable = d.defTable.slice();
    d.defName = d.defName.slice();
  }
}

interface Binding<T> {
  decl: Decl;
  value: T;
}

/** Name → value, as seen from a given declaration: a declaration sees what earlier ones (and itself) bound. */
export class SymbolTable<T> {
  private readonly map = new Map<string, Binding<T> | Array<Binding<T>>>();

  /** The value visible at declaration index `at` (bindings of declarations with index <= at; the last one wins). */
  get(name: string, at: number): T | undefined {
    const b = this.map.get(name);
    if (b === undefined) return undefined;
    if (!Array.isArray(b)) return b.decl.index <= at ? b.value : undefined;
    for (let i = b.length - 1; i >= 0; i--) if (b[i].decl.index <= at) return b[i].value;
    return undefined;
  }

  define(name: string, decl: Decl, value: T): void {
    const nb: Binding<T> = { decl, value };
    const b = this.map.get(name);
    if (b === undefined) {
      this.map.set(name, nb);
      return;
    }
    const list = Array.isArray(b) ? b : [b];
    // Kept in declaration order; bindings of one declaration in the order it made them.
    let i = list.length;
    while (i > 0 && list[i - 1].decl.index > decl.index) i--;
    list.splice(i, 0, nb);
    if (!Array.isArray(b)) this.map.set(name, list);
  }

  /** Replaces the value a declaration bound (the same binding, so identity-sensitive readers see the new one). */
  rebind(name: string, decl: Decl, from: T, to: T): void {
    const b = this.map.get(name);
    const list = b === undefined ? [] : Array.isArray(b) ? b : [b];
    for (const x of list) if (x.decl === decl && x.value === from) x.value = to;
  }

  /** Forgets every binding a declaration made for `name`. */
  remove(name: string, decl: Decl): void {
    const b = this.map.get(name);
    if (b === undefined) return;
    if (!Array.isArray(b)) {
      if (b.decl === decl) this.map.delete(name);
      return;
    }
    const kept = b.filter((x) => x.decl !== decl);
    if (kept.length === 0) this.map.delete(name);
    else this.map.set(name, kept.length === 1 ? kept[0] : kept);
  }

  /** Bindings a declaration made for `name`, in order. */
  boundBy(name: string, decl: Decl): T[] {
    const b = this.map.get(name);
    if (b === undefined) return [];
    const list = Array.isArray(b) ? b : [b];
    return list.filter((x) => x.decl === decl).map((x) => x.value);
  }

  /** What the end of the translation unit sees: kept up to date by refresh() after changes. */
  private finalView: Map<string, T> | undefined;

  final(): Map<string, T> {
    if (!this.finalView) {
      const out = new Map<string, T>();
      for (const [k, b] of this.map) out.set(k, Array.isArray(b) ? b[b.length - 1].value : b.value);
      this.finalView = out;
    }
    return this.finalView;
  }

  /** The bindings of these names changed: the end-of-unit view follows. */
  refresh(names: Iterable<string>): void {
    const view = this.finalView;
    if (!view) return;
    for (const k of names) {
      const b = this.map.get(k);
      if (b === undefined) view.delete(k);
      else view.set(k, Array.isArray(b) ? b[b.length - 1].value : b.value);
    }
  }
}
