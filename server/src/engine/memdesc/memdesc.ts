// The memdesc model: struct page, the descriptors that assertions tie to it, which of their members share
// bytes, which pairs the assertions guard, and the layout rules the assertions do not cover.

import { checkCurrent } from '../analysis/analyze';
import type { Analysis, AssertVerdict } from '../analysis/analyze';
import { Expr } from '../sema/expr';
import { FlatMember } from '../sema/layout';
import { StaticAssertDecl } from '../sema/parser';
import { Span } from '../base/source';
import { RecordDef, recordName, Type } from '../sema/types';

export const BASE_STRUCT = 'page';

/** Page members whose bytes the kernel reads no matter which descriptor owns the page. */
export const GUARDED_PAGE_FIELDS = ['flags', '_refcount', '_mapcount', 'page_type', 'compound_head', 'compound_info', 'memcg_data'];

export interface Overlap {
  struct: string;
  member: string;
  /** Same bytes (same bits for bitfields). */
  exact: boolean;
  /** An assertion compares these two members' offsets. */
  asserted: boolean;
}

export interface ModelMember {
  flat: FlatMember;
  /** Which page of a multi-page descriptor the member starts on (0 = head page); undefined when unknown. */
  page: number | undefined;
  overlaps: Overlap[];
}

export interface ModelStruct {
  def: RecordDef;
  name: string;
  size: number | undefined;
  /** Pages of struct page the descriptor spans (ceil of its size over page's); 1 for page itself. */
  pages: number | undefined;
  members: ModelMember[];
}

/** One side of an assertion comparison: a member of a record, possibly plus k pages. */
export interface PairSide {
  struct: string;
  member: string;
  /** Token index of the member name in the assertion (for go-to-definition and hovers). */
  tok: number;
}

export interface AssertPair {
  assert: AssertVerdict;
  a: PairSide;
  b: PairSide;
}

export type RuleCode = 'memdesc-partial-overlap' | 'memdesc-straddles-page-field' | 'memdesc-too-large' | 'memdesc-compound-head-bit0';

export interface Finding {
  code: RuleCode;
  severity: 'warning';
  message: string;
  at: Span;
  related: Array<{ at: Span; message: string }>;
}

export interface MemdescModel {
  /** struct page, when the analysed files define it. */
  base: ModelStruct | undefined;
  /** Descriptors tied to page by assertions, in definition order (page excluded). */
  memdescs: ModelStruct[];
  pairs: AssertPair[];
  findings: Finding[];
}

function offsetofNodes(e: Expr, out: Array<Expr & { k: 'offsetof' }>): void {
  switch (e.k) {
    case 'offsetof':
      out.push(e);
      return;
    case 'unary':
    case 'cast':
      offsetofNodes(e.arg, out);
      return;
    case 'binary':
      offsetofNodes(e.l, out);
      offsetofNodes(e.r, out);
      return;
    case 'cond':
      if (e.t) offsetofNodes(e.t, out);
      offsetofNodes(e.f, out);
      return;
    default:
      return;
  }
}

/** Records whose sizes an assertion compares: `sizeof(struct X) <= sizeof(struct page) [* k]` and the like. */
function sizeComparisons(e: Expr): Array<[RecordDef, RecordDef]> {
  if (e.k === 'binary' && e.op === '&&') return [...sizeComparisons(e.l), ...sizeComparisons(e.r)];
  if (e.k === 'binary' && ['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
    const l = new Set<RecordDef>();
    const r = new Set<RecordDef>();
    sizeofRecords(e.l, l);
    sizeofRecords(e.r, r);
    if (l.size === 1 && r.size === 1) return [[[...l][0], [...r][0]]];
  }
  return [];
}

function sizeofRecords(e: Expr, out: Set<RecordDef>): void {
  if (e.k === 'sizeof' && e.type?.kind === 'record') out.add(e.type.def);
  else if (e.k === 'binary') {
    sizeofRecords(e.l, out);
    sizeofRecords(e.r, out);
  } else if (e.k === 'unary' || e.k === 'cast') sizeofRecords(e.arg, out);
}

/** `offsetof(A, x) [+ k*sizeof] == offsetof(B, y)` comparisons, joined by && or alone. */
function comparedPairs(e: Expr): Array<[Expr & { k: 'offsetof' }, Expr & { k: 'offsetof' }]> {
  if (e.k === 'binary' && e.op === '&&') return [...comparedPairs(e.l), ...comparedPairs(e.r)];
  if (e.k === 'unary' && e.op === '!' && e.arg.k === 'unary' && e.arg.op === '!') return comparedPairs(e.arg.arg);
  if (e.k === 'binary' && e.op === '==') {
    const l: Array<Expr & { k: 'offsetof' }> = [];
    const r: Array<Expr & { k: 'offsetof' }> = [];
    offsetofNodes(e.l, l);
    offsetofNodes(e.r, r);
    if (l.length === 1 && r.length === 1) return [[l[0], r[0]]];
  }
  return [];
}

const rangeOf = (fm: FlatMember): [number, number] | undefined =>
  fm.bitOffset === undefined || fm.bitSize === undefined ? undefined : [fm.bitOffset, fm.bitOffset + fm.bitSize];

export function buildModel(a: Analysis): MemdescModel {
  checkCurrent(a);
  const lay = a.layouter;
  const decls: StaticAssertDecl[] = a.parse.asserts;
  const byName = new Map<string, RecordDef>();
  for (const d of a.parse.records) {
    const n = recordName(d);
    if (n !== undefined && d.kind === 'struct' && d.members) byName.set(n, d);
  }
  const page = byName.get(BASE_STRUCT);

  // Discovery: records an assertion ties to page by comparing member offsets (offsetof(page, a) ==
  // offsetof(X, b), possibly + k pages) or sizes (sizeof(X) <= sizeof(page)), then records tied the same
  // way to those, transitively. Other uses of offsetof/sizeof (alignment checks...) tie nothing.
  const tied = new Set<RecordDef>();
  if (page) {
    tied.add(page);
    const edges: Array<[RecordDef, RecordDef]> = [];
    for (const d of decls) {
      if (!d.expr) continue;
      for (const [l, r] of comparedPairs(d.expr)) {
        if (l.type.kind === 'record' && r.type.kind === 'record') edges.push([l.type.def, r.type.def]);
      }
      for (const [a, b] of sizeComparisons(d.expr)) edges.push([a, b]);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const [a, b] of edges) {
        for (const [x, y] of [[a, b], [b, a]]) {
          if (tied.has(x) && !tied.has(y) && y.kind === 'struct' && y.members && recordName(y) !== undefined) {
            tied.add(y);
            changed = true;
          }
        }
      }
    }
  }

  // Assertion pairs, for the assertions the analysis reports (those of the analysed files, not of every
  // header they include): a declaration's verdict is the one that starts at the same token.
  const verdictAt = new Map(a.asserts.map((v) => [v.s, v]));
  const pairs: AssertPair[] = [];
  decls.forEach((d) => {
    const verdict = verdictAt.get(d.s);
    if (!d.expr || !verdict) return;
    for (const [l, r] of comparedPairs(d.expr)) {
      const side = (o: Expr & { k: 'offsetof' }): PairSide | undefined => {
        const first = o.path[0];
        if (o.type.kind !== 'record' || !first || !('member' in first)) return undefined;
        const name = recordName(o.type.def);
        return name === undefined ? undefined : { struct: name, member: first.member, tok: first.tok };
      };
      const sa = side(l);
      const sb = side(r);
      if (sa && sb) pairs.push({ assert: verdict, a: sa, b: sb });
    }
  });
  const pairKey = (s1: string, m1: string, s2: string, m2: string) => `${s1}.${m1}|${s2}.${m2}`;
  const asserted = new Set<string>();
  for (const p of pairs) {
    asserted.add(pairKey(p.a.struct, p.a.member, p.b.struct, p.b.member));
    asserted.add(pairKey(p.b.struct, p.b.member, p.a.struct, p.a.member));
  }

  const pageSize = page ? lay.layout(page).size : undefined;
  const pageBits = pageSize === undefined || pageSize === 0 ? undefined : pageSize * 8;
  const structs: ModelStruct[] = [...tied].map((def) => {
    const size = lay.layout(def).size;
    const flat = lay.flatten(def);
    return {
      def,
      name: recordName(def)!,
      size,
      pages: def === page ? 1 : size === undefined || pageSize === undefined || pageSize === 0 ? undefined : Math.max(1, Math.ceil(size / pageSize)),
      members: flat.map((fm) => ({ flat: fm, page: fm.bitOffset === undefined || pageBits === undefined ? undefined : Math.floor(fm.bitOffset / pageBits), overlaps: [] })),
    };
  });
  structs.sort((x, y) => (x.def === page ? -1 : y.def === page ? 1 : a.parse.records.indexOf(x.def) - a.parse.records.indexOf(y.def)));
  const base = structs.find((s) => s.def === page);

  // Overlaps: page members are compared on the page a member lies on; descriptors by absolute offset.
  for (const s of structs) {
    for (const m of s.members) {
      const r = rangeOf(m.flat);
      if (!r || r[0] === r[1]) continue;
      for (const other of structs) {
        if (other === s) continue;
        let [lo, hi] = r;
        if (other.def === page && pageBits !== undefined && m.page !== undefined && m.page > 0) {
          lo -= m.page * pageBits;
          hi -= m.page * pageBits;
        }
        for (const om of other.members) {
          const or = rangeOf(om.flat);
          if (!or || or[0] === or[1]) continue;
          let [olo, ohi] = or;
          if (s.def === page && pageBits !== undefined && om.page !== undefined && om.page > 0) {
            olo -= om.page * pageBits;
            ohi -= om.page * pageBits;
          }
          if (olo < hi && lo < ohi) {
            m.overlaps.push({
              struct: other.name,
              member: om.flat.name,
              exact: lo === olo && hi === ohi,
              asserted: asserted.has(pairKey(s.name, m.flat.name, other.name, om.flat.name)),
            });
          }
        }
      }
    }
  }

  const findings = base ? checkRules(structs, base, pageSize, pairs, asserted, pairKey) : [];
  return { base, memdescs: structs.filter((s) => s !== base), pairs, findings };
}

function checkRules(
  structs: ModelStruct[],
  base: ModelStruct,
  pageSize: number | undefined,
  pairs: AssertPair[],
  asserted: Set<string>,
  pairKey: (s1: string, m1: string, s2: string, m2: string) => string,
): Finding[] {
  const findings: Finding[] = [];
  const pageMember = (name: string) => base.members.find((m) => m.flat.name === name);
  const loc = (m: ModelMember): Span => m.flat.member.loc;
  for (const s of structs) {
    if (s === base) continue;
    // Pages this descriptor is asserted to cover: the furthest page any asserted member lies on, at least one.
    let coveredPages = 1;
    for (const m of s.members) {
      if (m.page !== undefined && pairs.some((p) => (p.a.struct === s.name && p.a.member === m.flat.name) || (p.b.struct === s.name && p.b.member === m.flat.name))) {
        coveredPages = Math.max(coveredPages, m.page + 1);
      }
    }
    for (const m of s.members) {
      const r = rangeOf(m.flat);
      if (!r || r[0] === r[1]) continue;
      for (const o of m.overlaps) {
        if (o.struct !== base.name) continue;
        const pm = pageMember(o.member);
        if (!pm) continue;
        const pr = rangeOf(pm.flat);
        if (!pr) continue;
        const shift = (m.page ?? 0) * (pageSize ?? 0) * 8;
        const lo = r[0] - shift;
        const hi = r[1] - shift;
        const contains = (a0: number, a1: number, b0: number, b1: number) => a0 <= b0 && b1 <= a1;
        const partial = !contains(lo, hi, pr[0], pr[1]) && !contains(pr[0], pr[1], lo, hi);
        // Paired by an assertion, the descriptor's member must cover the whole page member: a shorter one
        // leaves part of it (flags, a refcount...) to whatever was there before.
        if (o.asserted && !contains(lo, hi, pr[0], pr[1])) {
          findings.push({
            code: 'memdesc-partial-overlap',
            severity: 'warning',
            message: `${s.name}.${m.flat.name} (bytes ${lo / 8}..${hi / 8 - 1}) covers only part of page.${o.member} (bytes ${pr[0] / 8}..${pr[1] / 8 - 1}), the member its assertion pairs it with`,
            at: loc(m),
            related: [{ at: loc(pm), message: `page.${o.member}` }],
          });
        }
        if (GUARDED_PAGE_FIELDS.includes(o.member) && partial && !asserted.has(pairKey(s.name, m.flat.name, base.name, o.member))) {
          findings.push({
            code: 'memdesc-straddles-page-field',
            severity: 'warning',
            message: `${s.name}.${m.flat.name} straddles a boundary of page.${o.member}, which the kernel reads whatever owns the page, and no assertion pairs them`,
            at: loc(m),
            related: [{ at: loc(pm), message: `page.${o.member}` }],
          });
        }
        const embedsPage = m.flat.member.type.kind === 'record' && m.flat.member.type.def === base.def;
        if ((o.member === 'compound_head' || o.member === 'compound_info') && !embedsPage && lo <= pr[0] && pr[0] < hi && canSetBit0(m, lo, pr[0])) {
          // Exempt when an assertion ties the member to any page member on that word: the kernel vouches for it there.
          const vouched = m.overlaps.some((x) => x.struct === base.name && x.asserted && (rangeOf(pageMember(x.member)?.flat ?? m.flat) ?? [1, 0])[0] <= pr[0]);
          if (!vouched) {
            findings.push({
              code: 'memdesc-compound-head-bit0',
              severity: 'warning',
              message: `${s.name}.${m.flat.name} lies over bit 0 of page.${o.member}, which marks tail pages, and its type can set that bit`,
              at: loc(m),
              related: [{ at: loc(pm), message: `page.${o.member}` }],
            });
          }
        }
      }
    }
    const sz = s.size;
    if (sz !== undefined && pageSize !== undefined && sz > coveredPages * pageSize) {
      findings.push({
        code: 'memdesc-too-large',
        severity: 'warning',
        message: `struct ${s.name} is ${sz} bytes, larger than the ${coveredPages} page${coveredPages === 1 ? '' : 's'} (${coveredPages * pageSize} bytes) it overlays`,
        at: s.def.loc,
        related: [{ at: base.def.loc, message: `struct page is ${pageSize} bytes` }],
      });
    }
  }
  return findings;
}

/** Whether the member's value can have the bit at `bit` (absolute, in the member's page frame) set. */
function canSetBit0(m: ModelMember, lo: number, bit: number): boolean {
  const t = m.flat.member.type;
  if (m.flat.isBitfield) return true;
  if (bit !== lo) return true;
  return !isPointerLike(t);
}

function isPointerLike(t: Type): boolean {
  if (t.kind === 'pointer') return true;
  if (t.kind === 'array') return isPointerLike(t.of);
  if (t.kind === 'record' && t.def.members && t.def.members.length > 0) {
    const first = t.def.members[0];
    if (t.def.kind === 'union') return t.def.members.every((x) => isPointerLike(x.type));
    return isPointerLike(first.type);
  }
  return false;
}
