// The CLI's outputs: the documented JSON shape and pahole-style text, both built from an Analysis.

import { checkCurrent } from '../analysis/analyze';
import type { Analysis } from '../analysis/analyze';
import { Layouter } from '../sema/layout';
import { PaholePrinter } from './pahole';
import { Problem } from '../base/problems';
import { SourceFile } from '../base/source';
import { Member, RecordDef, recordName, typeToString } from '../sema/types';

export interface MemberJson {
  name: string;
  offset: number | null;
  size: number | null;
  align: number | null;
  type: string;
  line: number;
  bitOffset?: number | null;
  bitSize?: number;
  /** For a member whose type is an untagged struct/union no typedef names: that record's layout (offsets relative to it). */
  inner?: { kind: 'struct' | 'union'; size: number | null; align: number | null; members: MemberJson[] };
}

export interface StructJson {
  name: string;
  kind: 'struct' | 'union';
  /** True when `name` is the typedef name of an anonymous struct/union (not a tag). */
  typedef?: boolean;
  size: number | null;
  align: number | null;
  file: string;
  line: number;
  complete: boolean;
  members: MemberJson[];
}

export interface AssertJson {
  file: string;
  line: number;
  text: string;
  holds: boolean | null;
  detail: string;
}

export interface DiagnosticJson {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
}

export interface LayoutJson {
  arch: string;
  structs: StructJson[];
  asserts: AssertJson[];
  diagnostics: DiagnosticJson[];
}

export type PathDisplay = (file: SourceFile) => string;

/** Named complete records in definition order, optionally only those named in `only`. */
export function reportedRecords(a: Analysis, only?: string[]): RecordDef[] {
  checkCurrent(a);
  const seen = new Set<string>();
  const out: RecordDef[] = [];
  for (const def of a.parse.records) {
    const name = recordName(def);
    if (name === undefined || !def.members) continue;
    if (only && !only.includes(name)) continue;
    if (seen.has(`${def.kind} ${name}`)) continue;
    seen.add(`${def.kind} ${name}`);
    out.push(def);
  }
  return out;
}

export function structJson(a: Analysis, def: RecordDef, show: PathDisplay): StructJson {
  checkCurrent(a);
  const lay = a.layouter;
  const l = lay.layout(def);
  const members = membersJson(lay, def);
  const complete = l.size !== undefined && l.align !== undefined && members.every((m) => m.offset !== null);
  return {
    name: recordName(def) ?? '',
    kind: def.kind,
    ...(def.tag === undefined ? { typedef: true } : {}),
    size: l.size ?? null,
    align: l.align ?? null,
    file: show(def.loc.file),
    line: def.loc.file.position(def.loc.offset).line,
    complete,
    members,
  };
}

/** Named members reachable through anonymous ones, absolute offsets; a member of an untagged, untypedef'd record type (`struct { ... } x;`) carries that record's own layout as `inner`. */
function membersJson(lay: Layouter, def: RecordDef, depth = 0): MemberJson[] {
  return lay.flatten(def).map((fm) => {
    const m: MemberJson = {
      name: fm.name,
      offset: fm.bitOffset === undefined ? null : Math.floor(fm.bitOffset / 8),
      size: fm.size ?? null,
      align: fm.align ?? null,
      type: typeToString(fm.member.type),
      line: fm.member.loc.file.position(fm.member.loc.offset).line,
    };
    if (fm.isBitfield) {
      m.bitOffset = fm.bitOffset ?? null;
      m.bitSize = fm.member.bitWidth;
    }
    let t = fm.member.type;
    while (t.kind === 'array') t = t.of;
    if (t.kind === 'record' && t.def.tag === undefined && t.def.typedefName === undefined && t.def.members && depth < 32) {
      const il = lay.layout(t.def);
      m.inner = { kind: t.def.kind, size: il.size ?? null, align: il.align ?? null, members: membersJson(lay, t.def, depth + 1) };
    }
    return m;
  });
}

export function diagnosticJson(p: Problem, show: PathDisplay): DiagnosticJson {
  const pos = p.file ? p.file.position(p.offset) : { line: 0, column: 0 };
  return { file: p.file ? show(p.file) : '<command-line>', line: pos.line, column: pos.column, severity: p.severity, code: p.code, message: p.message };
}

export function layoutJson(a: Analysis, show: PathDisplay, only?: string[]): LayoutJson {
  checkCurrent(a);
  const records = reportedRecords(a, only);
  const structs = records.map((d) => structJson(a, d, show));
  return {
    arch: a.abi.name,
    structs,
    asserts: a.asserts.map((v) => ({ file: show(v.file), line: v.file.position(v.offset).line, text: v.text, holds: v.holds, detail: v.detail })),
    // Diagnostics last: laying out the records above may have reported problems.
    diagnostics: a.problems.map((p) => diagnosticJson(p, show)),
  };
}

// ---- pahole's text ----

const CACHELINE = 64;

/**
 * One record as text: a comment saying where it is defined, then the block pahole 1.24 prints for it (byte for
 * byte; view/pahole.ts), or, when a size or an offset is unknown, a block in the same style with `?` where the
 * value is unknown.
 */
export function recordText(a: Analysis, def: RecordDef, show: PathDisplay, printer = new PaholePrinter(a.layouter)): string {
  checkCurrent(a);
  const pos = def.loc.file.position(def.loc.offset);
  return `/* ${show(def.loc.file)}:${pos.line} */\n${printer.record(def) ?? partialRecordText(a, def)}`;
}

/** Records as text, in order, separated by blank lines (one printer: pahole's packed inference carries over). */
export function recordsText(a: Analysis, defs: RecordDef[], show: PathDisplay): string {
  checkCurrent(a);
  const printer = new PaholePrinter(a.layouter);
  return defs.map((d) => recordText(a, d, show, printer)).join('\n\n');
}

interface TextState {
  lines: string[];
  nextCacheline: number;
}

function offsetComment(byteOff: number | undefined, size: number | undefined, bits?: { bit: number; width: number }): string {
  const o = byteOff === undefined ? '?' : String(byteOff);
  const s = size === undefined ? '?' : String(size);
  if (bits) return `/* ${o.padStart(5)}:${String(bits.bit).padStart(2)} ${s.padStart(2)} */`;
  return `/* ${o.padStart(5)} ${s.padStart(5)} */`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text + ' ' : text.padEnd(width);
}

function memberDecl(m: Member): string {
  const name = m.name ?? '';
  const decl = typeToString(m.type, name);
  return m.bitWidth !== undefined ? `${decl}:${m.bitWidth}` : decl;
}

/** Members of a record whose layout is partly unknown: what is known, `?` from the first unknown offset on. */
function writeFields(lay: Layouter, def: RecordDef, base: number | undefined, indent: string, st: TextState): void {
  for (const f of lay.layout(def).fields) {
    const abs = base === undefined || f.bitOffset === undefined ? undefined : base + f.bitOffset;
    if (abs !== undefined && abs / 8 >= st.nextCacheline) {
      while (abs / 8 >= st.nextCacheline + CACHELINE) st.nextCacheline += CACHELINE;
      if (st.nextCacheline > 0) st.lines.push(`${indent}/* --- cacheline ${st.nextCacheline / CACHELINE} boundary (${st.nextCacheline} bytes) --- */`);
      st.nextCacheline += CACHELINE;
    }
    const m = f.member;
    const byteOff = abs === undefined ? undefined : Math.floor(abs / 8);
    const size = lay.sizeOf(m.type);
    if (m.anonymous && m.type.kind === 'record') {
      st.lines.push(`${indent}${m.type.def.kind} {`);
      writeFields(lay, m.type.def, abs, indent + '\t', st);
      st.lines.push(`${pad(`${indent}};`, 56)}${offsetComment(byteOff, size)}`);
    } else if (m.bitWidth !== undefined) {
      const unit = size === undefined || abs === undefined ? undefined : Math.floor(abs / (size * 8)) * size;
      st.lines.push(`${pad(`${indent}${memberDecl(m)};`, 56)}${offsetComment(unit, size, abs === undefined || unit === undefined ? undefined : { bit: abs - unit * 8, width: m.bitWidth })}`);
    } else {
      st.lines.push(`${pad(`${indent}${memberDecl(m)};`, 56)}${offsetComment(byteOff, size)}`);
    }
  }
}

function partialRecordText(a: Analysis, def: RecordDef): string {
  const lay = a.layouter;
  const l = lay.layout(def);
  const st: TextState = { lines: [], nextCacheline: 0 };
  const name = recordName(def);
  st.lines.push(def.tag === undefined ? `typedef ${def.kind} {` : `${def.kind} ${name} {`);
  writeFields(lay, def, 0, '\t', st);
  st.lines.push('', `\t/* size: ${l.size ?? '?'}, layout partly unknown: see the diagnostics */`);
  st.lines.push(def.tag === undefined ? `} ${name};` : '};');
  return st.lines.join('\n');
}

export function diagnosticText(p: Problem, show: PathDisplay): string {
  if (!p.file) return `${p.severity}: ${p.message} [${p.code}]`;
  const pos = p.file.position(p.offset);
  return `${show(p.file)}:${pos.line}:${pos.column}: ${p.severity}: ${p.message} [${p.code}]`;
}

export function layoutText(a: Analysis, show: PathDisplay, only?: string[]): string {
  checkCurrent(a);
  const records = reportedRecords(a, only);
  const out: string[] = [];
  if (records.length) out.push(recordsText(a, records, show));
  if (a.asserts.length) {
    out.push(
      a.asserts
        .map((v) => `${show(v.file)}:${v.file.position(v.offset).line}: ${v.holds === true ? 'holds' : v.holds === false ? 'FAILS' : 'unknown'}: ${v.text}${v.holds === true ? '' : `\n    ${v.detail}`}`)
        .join('\n'),
    );
  }
  if (a.problems.length) out.push(a.problems.map((p) => diagnosticText(p, show)).join('\n'));
  return out.join('\n\n') + '\n';
}

// ---- the memdesc model in JSON and text ----

import type { MemdescModel, ModelStruct } from '../memdesc/memdesc';

export interface OverlapJson {
  struct: string;
  member: string;
  exact: boolean;
  asserted: boolean;
}

export interface KernelStructJson extends StructJson {
  overlays?: string;
  pages?: number | null;
  members: Array<MemberJson & { page?: number | null; overlaps?: OverlapJson[] }>;
}

/** Records embedded by value (directly, through arrays, or inside anonymous members) in `roots`, transitively. */
export function embeddedRecords(roots: RecordDef[]): RecordDef[] {
  const seen = new Set<RecordDef>(roots);
  const order: RecordDef[] = [...roots];
  const visit = (def: RecordDef) => {
    for (const m of def.members ?? []) {
      let t = m.type;
      while (t.kind === 'array') t = t.of;
      if (t.kind !== 'record' || !t.def.members) continue;
      if (m.anonymous || recordName(t.def) === undefined) {
        visit(t.def);
        continue;
      }
      if (!seen.has(t.def)) {
        seen.add(t.def);
        order.push(t.def);
        visit(t.def);
      }
    }
  };
  for (const r of roots) visit(r);
  return order;
}

export function modelStructJson(a: Analysis, s: ModelStruct, model: MemdescModel, show: PathDisplay): KernelStructJson {
  checkCurrent(a);
  const base = structJson(a, s.def, show) as KernelStructJson;
  const isBase = s === model.base;
  if (!isBase) {
    base.overlays = model.base?.name ?? 'page';
    base.pages = s.pages ?? null;
  }
  base.members = base.members.map((m, i) => {
    const mm = s.members[i];
    return { ...m, ...(isBase ? {} : { page: mm?.page ?? null }), overlaps: (mm?.overlaps ?? []).map((o) => ({ ...o })) };
  });
  return base;
}

/** Machine words of the page (and what every descriptor puts there), the picture `overlaps` prints. */
export function overlapsText(a: Analysis, model: MemdescModel): string {
  checkCurrent(a);
  const word = a.abi.wordSize;
  const cols = [model.base, ...model.memdescs].filter((s): s is ModelStruct => !!s);
  if (!model.base || cols.length === 0) return 'no struct page in the analysed files\n';
  const maxBytes = Math.max(...cols.map((c) => (c.pages ?? 1) * (model.base!.size ?? 0)), model.base.size ?? 0);
  const cell = (s: ModelStruct, lo: number, hi: number): string => {
    const names = s.members
      .filter((m) => m.flat.bitOffset !== undefined && m.flat.bitSize !== undefined && m.flat.bitSize > 0)
      .filter((m) => m.flat.bitOffset! < hi * 8 && lo * 8 < m.flat.bitOffset! + m.flat.bitSize!)
      .map((m) => m.flat.name);
    return [...new Set(names)].join(' | ') || '-';
  };
  const width = 28;
  const header = ['offset', ...cols.map((c) => `${c.name}${c.pages && c.pages > 1 ? ` (${c.pages} pages)` : ''}`)];
  const lines = [header.map((h, i) => (i === 0 ? h.padEnd(8) : h.padEnd(width))).join(' ')];
  for (let off = 0; off < maxBytes; off += word) {
    const row = [String(off).padEnd(8)];
    for (const c of cols) {
      const size = c.size ?? 0;
      const text = c === model.base ? cell(c, off % size, (off % size) + word) : off < size ? cell(c, off, off + word) : '';
      row.push(text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width));
    }
    lines.push(row.join(' ').trimEnd());
    if (model.base.size && (off + word) % model.base.size === 0 && off + word < maxBytes) lines.push(`-- page ${(off + word) / model.base.size} --`);
  }
  return lines.join('\n') + '\n';
}
