// Messages between the VS Code extension and its layout-diagram webview, and the state the webview keeps.
// The validators each side runs on what it receives are in client/src/webviewProtocol.ts (docs/protocol.md).

import type { LayoutResult } from './protocol';
import type { AbiName } from './settings';

/** How the diagram writes offsets and sizes. */
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
  | { type: 'setArch'; arch: AbiName }
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
