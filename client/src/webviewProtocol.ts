// Messages between the extension and the layout-diagram webview, and their validators: each side checks what
// it receives, since the webview renders strings from the analysed code. No vscode import: both sides use it.

import type { LayoutResult } from '../../shared/protocol';

export const ABI_NAMES = [
  'x86_64', 'i386', 'arm64', 'arm', 'riscv64', 's390x', 'ppc64le',
  'ppc32', 'ppc64', 'mips', 'mipsel', 'mips64', 'mips64el', 'm68k', 'sparc64', 'parisc', 'parisc64', 'sh4', 'alpha', 'arc',
] as const;
export type NumberFormat = 'decimal' | 'hex';

/** A node of the model the extension last sent: its struct, the page repeat it was drawn in, and its index path. */
export interface NodeRef {
  struct: string;
  /** Index path into LayoutStruct.nodes / children. Empty: the struct itself. */
  path: number[];
}

export type ToWebview =
  | {
      type: 'model';
      model: LayoutResult | null;
      /** The document the model serves (a URI), and how to name it. */
      document: string;
      documentLabel: string;
      /** Short config label for the toolbar (".config", "default", "… + lockdep"). */
      config: string;
      /** Why there is no model, when there is none. */
      message?: string;
      numberFormat: NumberFormat;
    }
  | { type: 'highlight'; target: NodeRef | null }
  | { type: 'export'; id: number; format: 'svg' | 'png' };

/** What the webview drew, reported back so tests (and the output channel) can see it. */
export interface RenderReport {
  arch: string;
  wordSize: number;
  document: string;
  columns: Array<{ struct: string; x: number; width: number; blocks: number; pages: number }>;
  blocks: Array<{ struct: string; name: string | null; kind: string; offset: number | null; size: number | null; bitOffset?: number; bitSize?: number; page: number; x: number; y: number; w: number; h: number; outline?: 'error' | 'warning' }>;
  unplaced: number;
  numberFormat: NumberFormat;
  theme: string;
}

export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; target: NodeRef }
  | { type: 'setArch'; arch: string }
  | { type: 'selectConfig' }
  | { type: 'setNumberFormat'; numberFormat: NumberFormat }
  | { type: 'rendered'; report: RenderReport }
  | { type: 'exported'; id: number; format: 'svg' | 'png'; data: string }
  | { type: 'exportFailed'; id: number; message: string };

/** What the webview keeps with vscode.setState: the panel serializer revives the panel from it. */
export interface WebviewState {
  document?: string;
  hidden?: string[];
  numberFormat?: NumberFormat;
  scrollLeft?: number;
  scrollTop?: number;
}

const MAX_NAME = 256;
const MAX_EXPORT = 64 * 1024 * 1024;

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown, max = MAX_NAME): x is string => typeof x === 'string' && x.length <= max;
const isInt = (x: unknown, min = 0, max = 1 << 30): x is number => typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

export function parseNodeRef(x: unknown): NodeRef | undefined {
  if (!isObj(x) || !isStr(x.struct) || !Array.isArray(x.path) || x.path.length > 64 || !x.path.every((i) => isInt(i, 0, 1 << 20))) return undefined;
  return { struct: x.struct, path: [...(x.path as number[])] };
}

function parseReport(x: unknown): RenderReport | undefined {
  if (!isObj(x) || !isStr(x.arch) || !isInt(x.wordSize, 1, 16) || !isStr(x.document, 8192) || !Array.isArray(x.columns) || !Array.isArray(x.blocks)) return undefined;
  if (x.columns.length > 1000 || x.blocks.length > 100_000 || !isInt(x.unplaced) || (x.numberFormat !== 'decimal' && x.numberFormat !== 'hex') || !isStr(x.theme)) return undefined;
  const columns = x.columns.every((c) => isObj(c) && isStr(c.struct) && isNum(c.x) && isNum(c.width) && isInt(c.blocks) && isInt(c.pages));
  const blocks = x.blocks.every(
    (b) =>
      isObj(b) &&
      isStr(b.struct) &&
      (b.name === null || isStr(b.name)) &&
      isStr(b.kind) &&
      (b.offset === null || isInt(b.offset)) &&
      (b.size === null || isInt(b.size)) &&
      isInt(b.page) &&
      [b.x, b.y, b.w, b.h].every(isNum) &&
      (b.bitOffset === undefined || isInt(b.bitOffset)) &&
      (b.bitSize === undefined || isInt(b.bitSize)) &&
      (b.outline === undefined || b.outline === 'error' || b.outline === 'warning'),
  );
  return columns && blocks ? (x as unknown as RenderReport) : undefined;
}

/** A message from the webview, or undefined when it is not one we accept (it is then ignored). */
export function parseFromWebview(x: unknown): FromWebview | undefined {
  if (!isObj(x) || typeof x.type !== 'string') return undefined;
  switch (x.type) {
    case 'ready':
    case 'selectConfig':
      return { type: x.type };
    case 'reveal': {
      const target = parseNodeRef(x.target);
      return target ? { type: 'reveal', target } : undefined;
    }
    case 'setArch':
      return isStr(x.arch) && (ABI_NAMES as readonly string[]).includes(x.arch) ? { type: 'setArch', arch: x.arch } : undefined;
    case 'setNumberFormat':
      return x.numberFormat === 'decimal' || x.numberFormat === 'hex' ? { type: 'setNumberFormat', numberFormat: x.numberFormat } : undefined;
    case 'rendered': {
      const report = parseReport(x.report);
      return report ? { type: 'rendered', report } : undefined;
    }
    case 'exported':
      return isInt(x.id) && (x.format === 'svg' || x.format === 'png') && isStr(x.data, MAX_EXPORT) ? { type: 'exported', id: x.id, format: x.format, data: x.data } : undefined;
    case 'exportFailed':
      return isInt(x.id) && isStr(x.message, 4096) ? { type: 'exportFailed', id: x.id, message: x.message } : undefined;
    default:
      return undefined;
  }
}

/** The webview's saved state, from whatever a restored panel hands back. */
export function parseWebviewState(x: unknown): WebviewState {
  if (!isObj(x)) return {};
  const s: WebviewState = {};
  if (isStr(x.document, 8192) && x.document.startsWith('file:')) s.document = x.document;
  if (Array.isArray(x.hidden) && x.hidden.length <= 1000) s.hidden = x.hidden.filter((h): h is string => isStr(h));
  if (x.numberFormat === 'decimal' || x.numberFormat === 'hex') s.numberFormat = x.numberFormat;
  if (isNum(x.scrollLeft) && x.scrollLeft >= 0) s.scrollLeft = x.scrollLeft;
  if (isNum(x.scrollTop) && x.scrollTop >= 0) s.scrollTop = x.scrollTop;
  return s;
}

/** Messages from the extension, checked by the webview before use (shape only: the model came from our server). */
export function parseToWebview(x: unknown): ToWebview | undefined {
  if (!isObj(x) || typeof x.type !== 'string') return undefined;
  switch (x.type) {
    case 'model':
      if ((x.model !== null && !(isObj(x.model) && Array.isArray(x.model.structs) && Array.isArray(x.model.findings) && isInt(x.model.wordSize, 1, 16))) || !isStr(x.document, 8192) || !isStr(x.documentLabel, 8192) || !isStr(x.config, 8192)) return undefined;
      if (x.numberFormat !== 'decimal' && x.numberFormat !== 'hex') return undefined;
      return x as unknown as ToWebview;
    case 'highlight':
      if (x.target === null) return { type: 'highlight', target: null };
      {
        const target = parseNodeRef(x.target);
        return target ? { type: 'highlight', target } : undefined;
      }
    case 'export':
      return isInt(x.id) && (x.format === 'svg' || x.format === 'png') ? { type: 'export', id: x.id, format: x.format } : undefined;
    default:
      return undefined;
  }
}
