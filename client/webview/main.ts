// The layout-diagram webview: takes the model the extension sends, draws the toolbar (ABI, config, filter,
// hex/decimal) and the SVG diagram, re-renders in place on every update (scroll position kept), saves its
// options in the webview state for the panel serializer, and reports what it drew back to the extension.

import type { LayoutResult } from '../../shared/protocol';
import { ABI_NAMES } from '../../shared/settings';
import type { FromWebview, NumberFormat, RenderReport, ToWebview, WebviewState } from '../../shared/webview';
import { parseToWebview, parseWebviewState } from '../src/webviewProtocol';
import { buildDiagram, Diagram } from './diagram';
import { exportPng, exportSvg } from './exportImage';
import { Interaction } from './interaction';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };

type ModelMessage = Extract<ToWebview, { type: 'model' }>;

const vscode = acquireVsCodeApi();
const saved = parseWebviewState(vscode.getState());
const hidden = new Set(saved.hidden ?? []);
let fmt: NumberFormat | undefined = saved.numberFormat;
let pendingScroll: { left: number; top: number } | undefined = saved.scrollTop !== undefined || saved.scrollLeft !== undefined ? { left: saved.scrollLeft ?? 0, top: saved.scrollTop ?? 0 } : undefined;
let current: ModelMessage | undefined;
let diagram: Diagram | undefined;

const post = (m: FromWebview) => vscode.postMessage(m);
const byId = (id: string) => document.getElementById(id)!;
const toolbar = byId('toolbar');
const statusLine = byId('status');
const container = byId('diagram');
const tooltip = byId('tooltip');

const interaction = new Interaction(container, tooltip, (target) => post({ type: 'reveal', target }), () => fmt ?? 'decimal');

function saveState(): void {
  const s: WebviewState = {
    document: current?.document || saved.document,
    hidden: [...hidden],
    numberFormat: fmt,
    scrollLeft: container.scrollLeft,
    scrollTop: container.scrollTop,
  };
  vscode.setState(s);
}

let scrollTimer: ReturnType<typeof setTimeout> | undefined;
container.addEventListener('scroll', () => {
  clearTimeout(scrollTimer);
  scrollTimer = setTimeout(saveState, 150);
});

// ---- toolbar: built once, its values updated on each model ----
function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const abiLabel = h('label', { for: 'abi', class: 'tb-label' }, 'ABI');
const abiSelect = h('select', { id: 'abi', 'aria-label': 'ABI' });
for (const a of ABI_NAMES) abiSelect.appendChild(h('option', { value: a }, a));
abiSelect.addEventListener('change', () => {
  // The options are the ABI names; the extension checks again what it receives.
  const arch = ABI_NAMES.find((a) => a === abiSelect.value);
  if (arch) post({ type: 'setArch', arch });
});
const configButton = h('button', { id: 'config', type: 'button', title: 'Select the kernel config (memdesc: Select Kernel Config)' });
configButton.addEventListener('click', () => post({ type: 'selectConfig' }));
const fmtButton = h('button', { id: 'numfmt', type: 'button', 'aria-pressed': 'false', title: 'Offsets in hexadecimal or decimal' }, 'Hex');
fmtButton.addEventListener('click', () => {
  fmt = fmt === 'hex' ? 'decimal' : 'hex';
  post({ type: 'setNumberFormat', numberFormat: fmt });
  saveState();
  render();
});
const filters = h('div', { id: 'filters', role: 'group', 'aria-label': 'Descriptors shown' });
const summary = h('span', { id: 'summary' });
const legend = h('div', { class: 'legend', 'aria-hidden': 'true' });
for (const [cls, label] of [
  ['lg-hatch', 'hole / padding'],
  ['lg-pair', 'same colour: asserted pair'],
  ['lg-error', 'failing assertion'],
  ['lg-warning', 'rule finding'],
]) {
  const item = h('span', { class: 'lg-item' });
  item.append(h('span', { class: `lg-swatch ${cls}` }), document.createTextNode(label));
  legend.appendChild(item);
}
const row1 = h('div', { class: 'tb-row' });
row1.append(abiLabel, abiSelect, configButton, fmtButton, summary);
const row2 = h('div', { class: 'tb-row' });
row2.append(h('span', { class: 'tb-label' }, 'Show'), filters, legend);
toolbar.append(row1, row2);

function updateToolbar(m: ModelMessage): void {
  const model = m.model;
  abiSelect.value = model?.arch ?? abiSelect.value;
  abiSelect.disabled = !model;
  configButton.textContent = `Config: ${m.config} ▾`;
  fmtButton.setAttribute('aria-pressed', String(fmt === 'hex'));
  fmtButton.textContent = fmt === 'hex' ? 'Hex ✓' : 'Hex';
  const a = model?.asserts;
  summary.textContent = [m.documentLabel, a ? `${a.holding} assertion${a.holding === 1 ? '' : 's'} hold${a.holding === 1 ? 's' : ''}` : '', a?.failing ? `${a.failing} fail` : '', a?.unknown ? `${a.unknown} unknown` : ''].filter(Boolean).join(' · ');
  summary.classList.toggle('failing', !!a?.failing);
  const names = (model?.structs ?? []).slice(1).map((s) => s.name);
  if (filters.dataset.names !== names.join(',')) {
    filters.dataset.names = names.join(',');
    filters.replaceChildren();
    for (const n of names) {
      const b = h('button', { type: 'button', class: 'chip', 'data-struct': n }, n);
      b.addEventListener('click', () => {
        if (hidden.has(n)) hidden.delete(n);
        else hidden.add(n);
        saveState();
        render();
      });
      filters.appendChild(b);
    }
  }
  for (const b of filters.querySelectorAll<HTMLButtonElement>('button.chip')) b.setAttribute('aria-pressed', String(!hidden.has(b.dataset.struct ?? '')));
}

// ---- the diagram ----
function render(): void {
  const m = current;
  if (!m) return;
  updateToolbar(m);
  const model: LayoutResult | null = m.model;
  if (!model || !model.structs.length) {
    statusLine.textContent = m.message ?? 'Nothing to lay out.';
    container.querySelector('svg.diagram')?.remove();
    container.querySelector('.unplaced')?.remove();
    diagram = undefined;
    return;
  }
  statusLine.textContent = '';
  const css = getComputedStyle(document.body);
  const mono = css.getPropertyValue('--vscode-editor-font-family').trim() || 'monospace';
  const ui = css.getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
  const scroll = pendingScroll ?? { left: container.scrollLeft, top: container.scrollTop };
  pendingScroll = undefined;
  const d = buildDiagram(model, hidden, fmt ?? 'decimal', mono, ui);
  // Replace in place: one synchronous swap, so there is no blank frame and the scroll position survives.
  const old = container.querySelector('svg.diagram');
  if (old) container.replaceChild(d.svg, old);
  else container.appendChild(d.svg);
  container.querySelector('.unplaced')?.remove();
  if (d.unplaced.length) {
    const list = h('div', { class: 'unplaced' });
    list.appendChild(h('div', { class: 'tt-head' }, 'Offset unknown (not drawn):'));
    for (const u of d.unplaced) list.appendChild(h('div', {}, `${u.struct}.${u.node.name ?? '?'}: ${u.node.type ?? ''}`));
    container.appendChild(list);
  }
  container.scrollLeft = scroll.left;
  container.scrollTop = scroll.top;
  diagram = d;
  interaction.attach(d, model);
  saveState();
  report(d, model, m.document);
}

function themeName(): string {
  const c = document.body.classList;
  return c.contains('vscode-high-contrast-light') ? 'high-contrast-light' : c.contains('vscode-high-contrast') ? 'high-contrast' : c.contains('vscode-dark') ? 'dark' : 'light';
}

function report(d: Diagram, model: LayoutResult, document: string): void {
  const r: RenderReport = {
    arch: model.arch,
    wordSize: model.wordSize,
    document,
    columns: d.columns.map((c) => ({ struct: c.struct.name, x: c.x, width: c.width, blocks: d.blocks.filter((b) => b.struct === c.struct.name && b.kind === 'member' && b.repeat === 0).length, pages: c.repeats > 1 ? c.repeats : (c.struct.pages ?? 1) })),
    blocks: d.blocks.map((b) => ({
      struct: b.struct,
      name: b.node.name ?? null,
      kind: b.kind,
      offset: b.node.offset,
      size: b.node.size,
      ...(b.node.bitSize !== undefined ? { bitOffset: b.node.bitOffset, bitSize: b.node.bitSize } : {}),
      page: b.page,
      x: Math.round(b.x),
      y: Math.round(b.y),
      w: Math.round(b.w),
      h: Math.round(b.h),
      ...(b.outline ? { outline: b.outline } : {}),
    })),
    unplaced: d.unplaced.length,
    numberFormat: fmt ?? 'decimal',
    theme: themeName(),
  };
  post({ type: 'rendered', report: r });
}

// Theme switches change the CSS variables (and the fonts text widths were measured with): draw again.
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('message', (e: MessageEvent) => {
  const m = parseToWebview(e.data);
  if (!m) return;
  switch (m.type) {
    case 'model':
      if (fmt === undefined) fmt = m.numberFormat;
      current = m;
      render();
      return;
    case 'highlight':
      interaction.setCursor(m.target);
      return;
    case 'export':
      void (async () => {
        try {
          if (!diagram) throw new Error('nothing is drawn yet');
          const data = m.format === 'svg' ? exportSvg(diagram.svg) : await exportPng(diagram.svg);
          post({ type: 'exported', id: m.id, format: m.format, data });
        } catch (err) {
          post({ type: 'exportFailed', id: m.id, message: err instanceof Error ? err.message : String(err) });
        }
      })();
      return;
  }
});

post({ type: 'ready' });
