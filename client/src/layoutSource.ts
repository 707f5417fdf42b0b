// memdesc/layout for the client's features (diagram, status bar, overlaps): one request per document and ABI
// until something changes (an edit, a setting, a header or .config on disk), then a debounced change event.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LayoutNode, LayoutParams, LayoutRequest, LayoutResult, LayoutStruct } from '../../shared/protocol';
import { SETTINGS_SECTION } from '../../shared/settings';
import { isServed } from './documents';

const DEBOUNCE_MS = 200;

export interface FoundNode {
  struct: LayoutStruct;
  node: LayoutNode;
  path: number[];
}

export class LayoutSource implements vscode.Disposable {
  private readonly cache = new Map<string, Promise<LayoutResult | null>>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires (debounced) when any cached answer may be stale. */
  readonly onDidChange = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly client: LanguageClient) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/{*.h,*.c,*.memdesc,.config}');
    this.disposables.push(
      watcher,
      watcher.onDidChange(() => this.invalidate()),
      watcher.onDidCreate(() => this.invalidate()),
      watcher.onDidDelete(() => this.invalidate()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && isServed(e.document)) this.invalidate();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SETTINGS_SECTION)) this.invalidate();
      }),
    );
  }

  /** The layout model for a document (the server's default ABI unless one is given); null outside any analysis. */
  get(uri: vscode.Uri, arch?: string): Promise<LayoutResult | null> {
    const key = `${uri.toString()}|${arch ?? ''}`;
    let p = this.cache.get(key);
    if (!p) {
      const params: LayoutParams = { uri: uri.toString(), ...(arch ? { arch } : {}) };
      p = Promise.resolve(this.client.sendRequest(LayoutRequest, params));
      // A failed request is not remembered: the next caller asks again.
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }

  invalidate(): void {
    this.cache.clear();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.changed.fire(), DEBOUNCE_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}

/** The node at an index path. */
export function nodeAt(model: LayoutResult, struct: string, path: readonly number[]): FoundNode | undefined {
  const s = model.structs.find((x) => x.name === struct);
  if (!s) return undefined;
  let nodes = s.nodes;
  let node: LayoutNode | undefined;
  for (const i of path) {
    node = nodes[i];
    if (!node) return undefined;
    nodes = node.children ?? [];
  }
  return node ? { struct: s, node, path: [...path] } : undefined;
}

/** Every node of every struct, depth first, with its path. */
export function* allNodes(model: LayoutResult): Generator<FoundNode> {
  for (const struct of model.structs) {
    const walk = function* (nodes: LayoutNode[], prefix: number[]): Generator<FoundNode> {
      for (let i = 0; i < nodes.length; i++) {
        const path = [...prefix, i];
        yield { struct, node: nodes[i], path };
        if (nodes[i].children) yield* walk(nodes[i].children!, path);
      }
    };
    yield* walk(struct.nodes, []);
  }
}

/** A named member of a struct (offsetof names are unique within a struct). */
export function findMember(model: LayoutResult, struct: string, member: string): FoundNode | undefined {
  for (const f of allNodes(model)) if (f.struct.name === struct && f.node.kind === 'member' && f.node.name === member) return f;
  return undefined;
}

/**
 * The member declared at a position: same file and line, the declarator nearest before the cursor
 * (`struct list_head *next, *prev;` has two on one line).
 */
export function memberAt(model: LayoutResult, uri: vscode.Uri, pos: vscode.Position): FoundNode | undefined {
  const u = uri.toString();
  let best: FoundNode | undefined;
  for (const f of allNodes(model)) {
    const l = f.node.location;
    if (f.node.kind !== 'member' || !l || l.line !== pos.line || !sameUri(l.uri, u)) continue;
    if (!best) best = f;
    else {
      const b = best.node.location!.character;
      const c = l.character;
      // Prefer the last declarator starting at or before the cursor; else the first one on the line.
      if ((c <= pos.character && (b > pos.character || c > b)) || (b > pos.character && c < b)) best = f;
    }
  }
  return best;
}

/** The struct whose tag is declared at a position (for the diagram's column highlight). */
export function structAt(model: LayoutResult, uri: vscode.Uri, pos: vscode.Position): LayoutStruct | undefined {
  const u = uri.toString();
  return model.structs.find((s) => s.location && s.location.line === pos.line && sameUri(s.location.uri, u));
}

/** URIs from the server and from VS Code can differ in escaping (e.g. `%3A`): compare them parsed. */
export function sameUri(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return vscode.Uri.parse(a).toString() === vscode.Uri.parse(b).toString();
  } catch {
    return false;
  }
}

export function locationToVscode(l: { uri: string; line: number; character: number }): vscode.Location {
  return new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Position(l.line, l.character));
}
