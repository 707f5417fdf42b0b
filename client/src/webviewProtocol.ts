// Validators for the messages between the extension and the layout-diagram webview (their types are in
// shared/webview.ts): each side checks what it receives, since the webview renders strings from the analysed code.
// No vscode import: both sides use it.

import { ABI_NAMES } from '../../shared/settings';
import type { FromWebview, NodeRef, RenderReport, ToWebview, WebviewState } from '../../shared/webview';

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
    case 'setArch': {
      const arch = ABI_NAMES.find((a) => a === x.arch);
      return arch ? { type: 'setArch', arch } : undefined;
    }
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
