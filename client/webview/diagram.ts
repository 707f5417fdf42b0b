// The layout diagram as SVG: one column per struct (page first, repeated under multi-page descriptors), one row
// per machine word, each member a block over exactly its bytes (bits for bitfields), union arms side by side.
// Placement only: every offset, size, overlap and verdict comes from the server's model as it is.

import type { LayoutFinding, LayoutNode, LayoutResult, LayoutStruct } from '../../shared/protocol';
import type { NodeRef, NumberFormat } from '../../shared/webview';

const SVG_NS = 'http://www.w3.org/2000/svg';
export const CACHELINE = 64;
const ROW_H = 40;
const SLOT_W = 80;
const MIN_COL_W = 150;
const COL_GAP = 14;
const RULER_W = 78;
const HEADER_H = 54;
const TOP_PAD = 8;
const FONT_PX = 11.5;
const PALETTE = 8;

export interface Block {
  key: string;
  ref: NodeRef;
  struct: string;
  column: number;
  /** Which copy of struct page (0 for every other struct). */
  repeat: number;
  /** The page of a multi-page descriptor these bytes are on (for page copies: the copy). */
  page: number;
  node: LayoutNode;
  kind: 'member' | 'union';
  x: number;
  y: number;
  w: number;
  h: number;
  /** Absolute bit range within the column, copies of page shifted by whole pages. */
  startBit: number;
  endBit: number;
  group?: number;
  outline?: 'error' | 'warning';
  messages: Array<{ severity: 'error' | 'warning'; text: string }>;
  el?: SVGGElement;
}

export interface Column {
  struct: LayoutStruct;
  index: number;
  x: number;
  width: number;
  repeats: number;
  extentBytes: number;
  header?: SVGGElement;
  outline?: 'error' | 'warning';
  messages: Array<{ severity: 'error' | 'warning'; text: string }>;
}

export interface Diagram {
  svg: SVGSVGElement;
  columns: Column[];
  blocks: Block[];
  /** Blocks of each `struct.member`, every copy. */
  byMember: Map<string, Block[]>;
  unplaced: Array<{ struct: string; node: LayoutNode }>;
  width: number;
  height: number;
}

export function formatNumber(n: number | null | undefined, fmt: NumberFormat): string {
  if (n === null || n === undefined) return '?';
  return fmt === 'hex' ? `0x${n.toString(16)}` : String(n);
}

/** How many blocks a node needs side by side: union arms add up, struct members stack. */
function breadth(n: LayoutNode): number {
  if (n.kind === 'member' || !n.children?.length) return 1;
  const b = n.children.map(breadth);
  return n.kind === 'union' ? b.reduce((x, y) => x + y, 0) : Math.max(...b);
}

const structBreadth = (s: LayoutStruct) => Math.max(1, ...s.nodes.map(breadth));

/** Members tied by an assertion (directly or through others) share a colour in every column. */
function colourGroups(model: LayoutResult): Map<string, number> {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  const union = (a: string, b: string) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  };
  const order: string[] = [];
  const walk = (s: string, nodes: LayoutNode[]) => {
    for (const n of nodes) {
      if (n.kind === 'member' && n.name) {
        order.push(`${s}.${n.name}`);
        for (const o of n.overlaps ?? []) if (o.asserted) union(`${s}.${n.name}`, `${o.struct}.${o.member}`);
      }
      if (n.children) walk(s, n.children);
    }
  };
  for (const s of model.structs) walk(s.name, s.nodes);
  for (const f of model.findings) {
    const m = f.members ?? [];
    for (let i = 1; i < m.length; i++) union(`${m[0].struct}.${m[0].member}`, `${m[i].struct}.${m[i].member}`);
  }
  const groupOf = new Map<string, number>();
  const out = new Map<string, number>();
  for (const k of order) {
    if (!parent.has(k)) continue;
    const r = find(k);
    if (!groupOf.has(r)) groupOf.set(r, groupOf.size);
    out.set(k, groupOf.get(r)! % PALETTE);
  }
  return out;
}

let measureCtx: CanvasRenderingContext2D | null | undefined;
function textWidth(s: string, font: string): number {
  if (measureCtx === undefined) measureCtx = document.createElement('canvas').getContext('2d');
  if (!measureCtx) return s.length * FONT_PX * 0.62;
  measureCtx.font = font;
  return measureCtx.measureText(s).width;
}

/** The longest prefix of s (with an ellipsis) that fits in width. */
function fit(s: string, width: number, font: string): string {
  if (width <= 8) return '';
  if (textWidth(s, font) <= width) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (textWidth(s.slice(0, mid) + '…', font) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo ? s.slice(0, lo) + '…' : '';
}

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent?.appendChild(e);
  return e;
}

function text(parent: Element, x: number, y: number, s: string, cls: string): SVGTextElement {
  const t = el('text', { x, y, class: cls }, parent);
  t.textContent = s; // textContent: names from the analysed code are never parsed as markup
  return t;
}

const sizeText = (n: LayoutNode, fmt: NumberFormat) =>
  n.bitSize !== undefined && n.bitOffset !== undefined
    ? `${formatNumber(Math.floor(n.bitOffset / 8), fmt)}:${n.bitOffset % 8} · ${n.bitSize} bit${n.bitSize === 1 ? '' : 's'}`
    : `${formatNumber(n.offset, fmt)} · ${formatNumber(n.size, fmt)} B`;

export function describeNode(struct: string, n: LayoutNode, fmt: NumberFormat): string {
  const where =
    n.bitSize !== undefined && n.bitOffset !== undefined
      ? `bits ${n.bitOffset % 8} to ${(n.bitOffset % 8) + n.bitSize - 1} of byte ${formatNumber(Math.floor(n.bitOffset / 8), fmt)}, ${n.bitSize} bits wide`
      : `offset ${formatNumber(n.offset, fmt)}, size ${formatNumber(n.size, fmt)}`;
  return `${struct}.${n.name ?? `(anonymous ${n.kind})`}, ${n.type ?? n.kind}, ${where}${n.page ? `, on page ${n.page}` : ''}`;
}

function sameLocation(a: LayoutFinding['location'], b: LayoutNode['location'] | LayoutStruct['location']): boolean {
  return !!b && a.uri === b.uri && a.line === b.line && a.character === b.character;
}

export function buildDiagram(model: LayoutResult, hidden: ReadonlySet<string>, fmt: NumberFormat, monoFont: string, uiFont: string): Diagram {
  const pxPerByte = ROW_H / model.wordSize;
  const pageSize = model.pageSize ?? 0;
  const structs = model.structs.filter((s, i) => i === 0 || !hidden.has(s.name));
  const maxPages = Math.max(1, ...structs.slice(1).map((s) => s.pages ?? 1));
  const isPage = (i: number) => i === 0 && model.structs[0]?.overlays === undefined;
  const columns: Column[] = [];
  let x = RULER_W;
  structs.forEach((s, i) => {
    const repeats = isPage(i) && pageSize ? maxPages : 1;
    const width = Math.max(MIN_COL_W, structBreadth(s) * SLOT_W);
    columns.push({ struct: s, index: i, x, width, repeats, extentBytes: repeats > 1 ? repeats * pageSize : (s.size ?? 0), messages: [] });
    x += width + COL_GAP;
  });
  const extent = Math.max(model.wordSize, ...columns.map((c) => c.extentBytes));
  const rows = Math.ceil(extent / model.wordSize);
  const top = TOP_PAD + HEADER_H;
  const width = x - COL_GAP + 12;
  const height = top + rows * ROW_H + 24;
  const yOf = (byte: number) => top + byte * pxPerByte;

  const svg = el('svg', { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, class: 'diagram', role: 'group', 'aria-roledescription': 'layout diagram', 'aria-label': `Layout of ${structs.map((s) => `struct ${s.name}`).join(', ')} on ${model.arch}` });
  const defs = el('defs', {}, svg);
  const hatch = el('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
  el('rect', { width: 6, height: 6, class: 'hatch-bg' }, hatch);
  el('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }, hatch);

  // Ruler and row lines: words, cachelines, pages.
  const grid = el('g', { class: 'grid', 'aria-hidden': 'true' }, svg);
  for (let r = 0; r <= rows; r++) {
    const byte = r * model.wordSize;
    const y = yOf(byte);
    const isPageEdge = pageSize > 0 && byte % pageSize === 0 && byte > 0;
    const isLine = byte % CACHELINE === 0 && byte > 0;
    el('line', { x1: RULER_W - 8, x2: width, y1: y, y2: y, class: isPageEdge ? 'page-edge' : isLine ? 'cacheline' : 'word' }, grid);
    if (r < rows) {
      text(grid, RULER_W - 14, y + 12, formatNumber(byte, fmt), 'ruler-label');
      // Byte ticks within the word.
      for (let b = 1; b < model.wordSize; b++) el('line', { x1: RULER_W - 8, x2: RULER_W - 4, y1: yOf(byte + b), y2: yOf(byte + b), class: 'tick' }, grid);
    }
    if (isPageEdge) text(grid, 4, y - 4, `page ${byte / pageSize}`, 'edge-label');
    else if (isLine) text(grid, 4, y - 4, `cacheline ${byte / CACHELINE}`, 'edge-label');
  }

  const groups = colourGroups(model);
  const blocks: Block[] = [];
  const byMember = new Map<string, Block[]>();
  const unplaced: Diagram['unplaced'] = [];
  const mono = `${FONT_PX}px ${monoFont}`;
  const monoSub = `${FONT_PX - 1.5}px ${monoFont}`;

  for (const col of columns) {
    const s = col.struct;
    const cg = el('g', { class: 'column', role: 'group', 'aria-label': `struct ${s.name}, ${s.size ?? 'unknown'} bytes${s.pages && s.pages > 1 ? `, ${s.pages} pages` : ''}` }, svg);
    // Header: the struct's name, size and pages; clicking it reveals the definition.
    const header = el('g', { class: 'header', tabindex: -1, role: 'button', 'data-struct': s.name, 'aria-label': `struct ${s.name}: reveal its definition` }, cg);
    el('rect', { x: col.x, y: TOP_PAD, width: col.width, height: HEADER_H - 10, rx: 3, class: 'header-bg' }, header);
    text(header, col.x + 8, TOP_PAD + 17, fit(`struct ${s.name}`, col.width - 16, `600 ${FONT_PX + 1}px ${uiFont}`), 'header-title');
    const sub = [`${formatNumber(s.size, fmt)} bytes`, s.align ? `align ${s.align}` : '', s.pages && s.pages > 1 ? `${s.pages} pages` : '', s.overlays ? `overlays ${s.overlays}` : col.repeats > 1 ? `drawn for each of ${col.repeats} pages` : ''].filter(Boolean).join(' · ');
    text(header, col.x + 8, TOP_PAD + 33, fit(sub, col.width - 16, `${FONT_PX - 1}px ${uiFont}`), 'header-sub');
    col.header = header;

    for (let rep = 0; rep < col.repeats; rep++) {
      const shift = rep * pageSize;
      const bytes = col.repeats > 1 ? pageSize : (s.size ?? 0);
      // Background hatch: whatever no member covers (holes, tail padding, the rest of a shorter union arm) shows through.
      el('rect', { x: col.x, y: yOf(shift), width: col.width, height: Math.max(0, bytes * pxPerByte), class: `struct-bg${rep ? ' ghost' : ''}` }, cg);
      const layer = el('g', { class: rep ? 'copy ghost' : 'copy' }, cg);
      const place = (nodes: LayoutNode[], bx: number, bw: number, prefix: number[]) => {
        nodes.forEach((n, i) => placeNode(n, bx, bw, [...prefix, i]));
      };
      const placeNode = (n: LayoutNode, bx: number, bw: number, path: number[]) => {
        if (n.kind !== 'member') {
          if (n.kind === 'union' && n.children?.length) {
            const total = n.children.map(breadth).reduce((a, b) => a + b, 0);
            let cx = bx;
            n.children.forEach((c, i) => {
              const cw = (bw * breadth(c)) / total;
              placeNode(c, cx, cw, [...path, i]);
              cx += cw;
            });
            if (n.offset !== null && n.size !== null) {
              const b = addBlock(n, 'union', bx, bw, path);
              if (b) {
                const g = el('g', { class: 'union-box', 'aria-hidden': 'true' }, layer);
                el('rect', { x: b.x + 0.5, y: b.y + 0.5, width: Math.max(0, b.w - 1), height: Math.max(0, b.h - 1), rx: 2 }, g);
                b.el = g;
              }
            }
          } else if (n.children) place(n.children, bx, bw, path);
          return;
        }
        const b = addBlock(n, 'member', bx, bw, path);
        if (!b) {
          unplaced.push({ struct: s.name, node: n });
          return;
        }
        const key = `${s.name}.${n.name}`;
        if (n.name && groups.has(key)) b.group = groups.get(key);
        const g = el('g', { class: `block ${b.group === undefined ? 'plain' : `c${b.group}`}`, tabindex: -1, role: 'button', 'data-key': b.key }, layer);
        el('rect', { x: b.x + 1, y: b.y + 0.5, width: Math.max(1, b.w - 2), height: Math.max(1.5, b.h - 1), rx: Math.min(3, b.h / 3) }, g);
        if (b.h >= 9 && b.h < 13) text(g, b.x + 5, b.y + b.h / 2 + 3, fit(n.name ?? '', b.w - 8, `${FONT_PX - 3}px ${monoFont}`), 'name tiny');
        else if (b.h >= 13) {
          const lines = b.h >= 34 ? 2 : 1;
          const name = n.name ?? '';
          const label = lines === 1 && b.w > 120 ? `${name}  ${sizeText(n, fmt)}` : name;
          const cy = b.y + b.h / 2 + (lines === 2 ? -3 : 4);
          text(g, b.x + 7, cy, fit(label, b.w - 12, mono), 'name');
          if (lines === 2) text(g, b.x + 7, cy + 14, fit(b.h >= 60 && n.type ? `${sizeText(n, fmt)} · ${n.type}` : sizeText(n, fmt), b.w - 12, monoSub), 'sub');
        }
        b.el = g;
        const list = byMember.get(key) ?? [];
        list.push(b);
        byMember.set(key, list);
      };
      const addBlock = (n: LayoutNode, kind: Block['kind'], bx: number, bw: number, path: number[]): Block | undefined => {
        let startBit: number;
        let bits: number;
        if (n.bitOffset !== undefined && n.bitSize !== undefined) {
          startBit = n.bitOffset;
          bits = n.bitSize;
        } else if (n.offset !== null && n.size !== null) {
          startBit = n.offset * 8;
          bits = n.size * 8;
        } else return undefined;
        startBit += shift * 8;
        const y = yOf(startBit / 8);
        const h = Math.max(2, (bits / 8) * pxPerByte);
        const b: Block = {
          key: `${s.name}|${rep}|${path.join('.')}`,
          ref: { struct: s.name, path },
          struct: s.name,
          column: col.index,
          repeat: rep,
          page: col.repeats > 1 ? rep : (n.page ?? 0),
          node: n,
          kind,
          x: bx,
          y,
          w: bw,
          h,
          startBit,
          endBit: startBit + bits,
          messages: [],
        };
        blocks.push(b);
        return b;
      };
      place(s.nodes, col.x, col.width, []);
    }
  }

  // Findings: an assertion outlines the members it compares; a rule finding the member (or struct) it is at.
  for (const f of model.findings) {
    const msg = { severity: f.severity, text: f.message };
    let marked = false;
    for (const m of f.members ?? []) {
      for (const b of byMember.get(`${m.struct}.${m.member}`) ?? []) {
        if (b.repeat) continue;
        mark(b, f.severity);
        b.messages.push(msg);
        marked = true;
      }
    }
    if (marked) continue;
    for (const b of blocks) {
      if (b.kind === 'member' && !b.repeat && sameLocation(f.location, b.node.location)) {
        mark(b, f.severity);
        b.messages.push(msg);
        marked = true;
      }
    }
    for (const c of columns) {
      if (!marked && sameLocation(f.location, c.struct.location)) {
        c.outline = worse(c.outline, f.severity);
        c.messages.push(msg);
        c.header?.classList.add(c.outline);
      }
    }
  }
  function mark(b: Block, sev: 'error' | 'warning') {
    b.outline = worse(b.outline, sev);
    b.el?.classList.remove('error', 'warning');
    b.el?.classList.add(b.outline);
  }

  // Accessible names, once findings are known.
  for (const b of blocks) {
    if (b.kind !== 'member' || !b.el) continue;
    const shares = (b.node.overlaps ?? []).filter((o) => o.exact || o.asserted).map((o) => `${o.struct}.${o.member}`);
    const findings = b.messages.map((m) => `${m.severity}: ${m.text}`);
    b.el.setAttribute('aria-label', [describeNode(b.struct, b.node, fmt), b.repeat ? `copy for page ${b.repeat}` : '', shares.length ? `same bytes as ${shares.slice(0, 8).join(', ')}` : '', ...findings].filter(Boolean).join('; '));
  }
  return { svg, columns, blocks, byMember, unplaced, width, height };
}

const worse = (a: 'error' | 'warning' | undefined, b: 'error' | 'warning'): 'error' | 'warning' => (a === 'error' || b === 'error' ? 'error' : 'warning');
