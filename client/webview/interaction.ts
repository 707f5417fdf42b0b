// Hover, click, keyboard and editor-cursor highlights on the diagram: the blocks that share a byte with the one
// under the pointer light up in every column (other structs: the server's overlaps; the same struct: its union
// arms), with a tooltip listing them; Enter or a click reveals the declaration; arrow keys move between blocks.

import type { LayoutResult } from '../../shared/protocol';
import type { NodeRef, NumberFormat } from '../../shared/webview';
import { Block, describeNode, Diagram, formatNumber } from './diagram';

interface Related {
  block: Block;
  how: string;
}

export class Interaction {
  private d: Diagram | undefined;
  private model: LayoutResult | undefined;
  private byKey = new Map<string, Block>();
  private order: Block[] = [];
  private hovered: string | undefined;
  private focused: string | undefined;
  private cursor: NodeRef | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly tooltip: HTMLElement,
    private readonly reveal: (ref: NodeRef) => void,
    private readonly fmt: () => NumberFormat,
  ) {
    container.addEventListener('pointerover', (e) => {
      const b = this.blockOf(e.target);
      if (b) {
        this.hovered = b.key;
        this.light(b, { x: e.clientX, y: e.clientY });
      }
    });
    container.addEventListener('pointermove', (e) => {
      if (this.hovered && !this.tooltip.hidden) this.placeTooltip(e.clientX, e.clientY);
    });
    container.addEventListener('pointerout', (e) => {
      const to = this.blockOf((e as PointerEvent).relatedTarget);
      if (!to) {
        this.hovered = undefined;
        const f = this.focused ? this.byKey.get(this.focused) : undefined;
        if (f && document.activeElement === f.el) this.light(f, 'anchor');
        else this.light(undefined);
      }
    });
    container.addEventListener('click', (e) => {
      const b = this.blockOf(e.target);
      if (b) {
        this.focus(b);
        this.reveal(b.ref);
        return;
      }
      const header = (e.target as Element | null)?.closest?.('.header');
      const name = header?.getAttribute('data-struct');
      if (name) this.reveal({ struct: name, path: [] });
    });
    container.addEventListener('focusin', (e) => {
      const b = this.blockOf(e.target);
      if (b) {
        this.focused = b.key;
        this.light(b, 'anchor');
      }
    });
    container.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** A new rendering: keep what was hovered, focused and under the editor cursor if it still exists. */
  attach(d: Diagram, model: LayoutResult): void {
    this.d = d;
    this.model = model;
    this.byKey = new Map(d.blocks.filter((b) => b.kind === 'member').map((b) => [b.key, b]));
    // Reading order for the arrow keys: column by column, top to bottom, left to right.
    this.order = [...this.byKey.values()].sort((a, b) => a.column - b.column || a.y - b.y || a.x - b.x);
    const focus = (this.focused && this.byKey.get(this.focused)) || this.order[0];
    if (focus?.el) focus.el.setAttribute('tabindex', '0');
    if (this.focused && this.byKey.get(this.focused) && this.container.contains(document.activeElement) === false) {
      // focus was inside the old svg, which is gone: put it back on the same block
      if (document.activeElement === document.body) this.byKey.get(this.focused)!.el?.focus({ preventScroll: true });
    }
    this.applyCursor(false);
    const h = this.hovered && this.byKey.get(this.hovered);
    if (h) this.light(h, 'keep');
    else this.tooltip.hidden = true;
  }

  /** The member at the editor's cursor; scrolled into view only when the cursor moved to another one (typing must not scroll). */
  setCursor(ref: NodeRef | null): void {
    const moved = JSON.stringify(ref) !== JSON.stringify(this.cursor);
    this.cursor = ref;
    this.applyCursor(moved);
  }

  private applyCursor(scroll: boolean): void {
    if (!this.d) return;
    for (const e of this.d.svg.querySelectorAll('.cursor')) e.classList.remove('cursor');
    const ref = this.cursor;
    if (!ref) return;
    if (!ref.path.length) {
      const col = this.d.columns.find((c) => c.struct.name === ref.struct);
      col?.header?.classList.add('cursor');
      if (scroll) col?.header?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      return;
    }
    const key = ref.path.join('.');
    const hits = this.d.blocks.filter((b) => b.kind === 'member' && b.struct === ref.struct && b.ref.path.join('.') === key);
    for (const b of hits) b.el?.classList.add('cursor');
    if (scroll && hits[0]?.el) hits[0].el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  private blockOf(t: EventTarget | null): Block | undefined {
    const g = (t as Element | null)?.closest?.('.block');
    const key = g?.getAttribute('data-key');
    return key ? this.byKey.get(key) : undefined;
  }

  /** Every block sharing at least one byte (bit, for bitfields) with b, in the columns on screen. */
  related(b: Block): Related[] {
    const out: Related[] = [];
    const seen = new Set<string>();
    const add = (t: Block, how: string) => {
      if (t === b || seen.has(t.key)) return;
      seen.add(t.key);
      out.push({ block: t, how });
    };
    // Other structs: exactly what the server says overlaps, on the same page.
    for (const o of b.node.overlaps ?? []) {
      const how = [o.exact ? 'same bytes' : 'partly', o.asserted ? 'asserted' : ''].filter(Boolean).join(', ');
      for (const t of this.d?.byMember.get(`${o.struct}.${o.member}`) ?? []) if (t.page === b.page) add(t, how);
    }
    // The same struct: other arms of the unions it is in.
    for (const t of this.byKey.values()) {
      if (t.struct === b.struct && t.startBit < b.endBit && b.startBit < t.endBit && !isAncestorPath(t.ref.path, b.ref.path) && !isAncestorPath(b.ref.path, t.ref.path)) add(t, 'union arm');
    }
    return out;
  }

  /** Lights b and its related blocks; shows the tooltip at a point, at b, or keeps it where it is. */
  private light(b: Block | undefined, at?: { x: number; y: number } | 'anchor' | 'keep'): void {
    if (!this.d) return;
    for (const e of this.d.svg.querySelectorAll('.lit, .hot')) e.classList.remove('lit', 'hot');
    if (!b) {
      this.tooltip.hidden = true;
      return;
    }
    b.el?.classList.add('hot');
    const rel = this.related(b);
    for (const r of rel) r.block.el?.classList.add('lit');
    this.fillTooltip(b, rel);
    if (at === 'keep') return;
    if (at === 'anchor' && b.el) {
      const r = b.el.getBoundingClientRect();
      this.placeTooltip(r.right, r.top);
    } else if (at && at !== 'anchor') this.placeTooltip(at.x, at.y);
  }

  private fillTooltip(b: Block, rel: Related[]): void {
    const fmt = this.fmt();
    const t = this.tooltip;
    t.replaceChildren();
    const add = (tag: string, cls: string, s: string, parent: HTMLElement = t) => {
      const e = document.createElement(tag);
      e.className = cls;
      e.textContent = s; // analysed names are text, never markup
      parent.appendChild(e);
      return e;
    };
    add('div', 'tt-title', `${b.struct}.${b.node.name ?? ''}${b.repeat ? `  (page ${b.repeat})` : ''}`);
    add('div', 'tt-line', describeNode(b.struct, b.node, fmt).replace(/^[^,]*, /, ''));
    for (const m of b.messages) add('div', `tt-finding ${m.severity}`, `${m.severity === 'error' ? '✗' : '⚠'} ${m.text}`);
    if (rel.length) {
      add('div', 'tt-head', `Shares bytes with ${rel.length}:`);
      const list = add('ul', 'tt-list', '');
      for (const r of rel.slice(0, 24)) {
        const n = r.block.node;
        const where = n.bitSize !== undefined && n.bitOffset !== undefined ? `${formatNumber(Math.floor(n.bitOffset / 8), fmt)}:${n.bitOffset % 8}` : formatNumber(n.offset, fmt);
        add('li', r.how.includes('asserted') ? 'asserted' : '', `${r.block.struct}.${n.name} @${where} — ${r.how}`, list);
      }
      if (rel.length > 24) add('li', 'more', `… and ${rel.length - 24} more`, list);
    } else add('div', 'tt-line muted', 'No other member shares these bytes.');
    t.hidden = false;
  }

  private placeTooltip(x: number, y: number): void {
    const t = this.tooltip;
    const pad = 14;
    const w = t.offsetWidth;
    const h = t.offsetHeight;
    let left = x + pad;
    let top = y + pad;
    if (left + w > window.innerWidth - 4) left = Math.max(4, x - w - pad);
    if (top + h > window.innerHeight - 4) top = Math.max(4, window.innerHeight - h - 4);
    t.style.left = `${left}px`;
    t.style.top = `${top}px`;
  }

  private focus(b: Block): void {
    for (const o of this.byKey.values()) if (o.el && o !== b) o.el.setAttribute('tabindex', '-1');
    b.el?.setAttribute('tabindex', '0');
    b.el?.focus();
    b.el?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    this.focused = b.key;
  }

  private onKey(e: KeyboardEvent): void {
    const cur = this.blockOf(e.target);
    if (!cur) return;
    let next: Block | undefined;
    const inColumn = this.order.filter((b) => b.column === cur.column);
    const i = inColumn.indexOf(cur);
    switch (e.key) {
      case 'ArrowDown':
        next = inColumn[i + 1];
        break;
      case 'ArrowUp':
        next = inColumn[i - 1];
        break;
      case 'ArrowLeft':
      case 'ArrowRight':
        next = this.sideways(cur, e.key === 'ArrowLeft' ? -1 : 1);
        break;
      case 'Home':
        next = inColumn[0];
        break;
      case 'End':
        next = inColumn[inColumn.length - 1];
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.reveal(cur.ref);
        return;
      case 'Escape':
        this.light(undefined);
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next) this.focus(next);
  }

  /** The nearest block to the left or right: another union arm of this column, else the next column over. */
  private sideways(cur: Block, dir: -1 | 1): Block | undefined {
    const cy = cur.y + cur.h / 2;
    const cx = cur.x + cur.w / 2;
    let best: Block | undefined;
    let bestScore = Infinity;
    for (const b of this.order) {
      const bx = b.x + b.w / 2;
      if (dir < 0 ? bx >= cx - 1 : bx <= cx + 1) continue;
      const overlapsRow = b.y <= cy && cy <= b.y + b.h;
      const dy = overlapsRow ? 0 : Math.min(Math.abs(b.y - cy), Math.abs(b.y + b.h - cy));
      const score = Math.abs(bx - cx) + dy * 4;
      if (score < bestScore) {
        bestScore = score;
        best = b;
      }
    }
    return best;
  }

  get modelShown(): LayoutResult | undefined {
    return this.model;
  }
}

/** a is a proper prefix of b: b is nested inside a. */
function isAncestorPath(a: number[], b: number[]): boolean {
  return a.length < b.length && a.every((x, i) => b[i] === x);
}
