// Request validation: each request's params checked and typed before use; a malformed one answers InvalidParams.

import { ErrorCodes, ResponseError, type Position, type Range } from 'vscode-languageserver/node';
import { ABI_NAMES, isAbiName, VARIANTS } from './engine';
import type { AbiName, Variant } from './engine';

export const invalidParams = (what: string) => new ResponseError(ErrorCodes.InvalidParams, what);

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isPosition = (x: unknown): x is Position => isObject(x) && isUint(x.line) && isUint(x.character);
const isRange = (x: unknown): x is Range => isObject(x) && isPosition(x.start) && isPosition(x.end);
const optional = (x: unknown, type: 'string' | 'boolean') => x === undefined || typeof x === type;

/** The document URI of textDocument-style params, or undefined when malformed. */
function uriOf(p: unknown): string | undefined {
  return isObject(p) && isObject(p.textDocument) && typeof p.textDocument.uri === 'string' ? p.textDocument.uri : undefined;
}

/** `{ textDocument: { uri } }` (documentSymbol, codeLens, textDocument/diagnostic). */
export function documentParams(p: unknown, method: string): { uri: string } {
  const uri = uriOf(p);
  if (uri === undefined) throw invalidParams(`${method} needs { textDocument: { uri } }`);
  return { uri };
}

/** `{ textDocument: { uri }, position }` (hover, definition, references). */
export function positionParams(p: unknown, method: string): { uri: string; position: Position } {
  const uri = uriOf(p);
  if (uri === undefined || !isObject(p) || !isPosition(p.position)) throw invalidParams(`${method} needs { textDocument: { uri }, position: { line, character } }`);
  return { uri, position: p.position };
}

/** textDocument/references: a position, and whether the declaration is one of the answers (default: yes). */
export function referenceParams(p: unknown): { uri: string; position: Position; includeDeclaration: boolean } {
  const at = positionParams(p, 'references');
  const context = isObject(p) ? p.context : undefined;
  return { ...at, includeDeclaration: !(isObject(context) && context.includeDeclaration === false) };
}

/** `{ textDocument: { uri }, range }` (inlayHint). */
export function rangeParams(p: unknown, method: string): { uri: string; range: Range } {
  const uri = uriOf(p);
  if (uri === undefined || !isObject(p) || !isRange(p.range)) throw invalidParams(`${method} needs { textDocument: { uri }, range }`);
  return { uri, range: p.range };
}

/** memdesc/layout's params, checked: a document or a kernel root, and the ABI, config and variant asked for. */
export interface LayoutQuery {
  uri?: string;
  root?: string;
  arch?: AbiName;
  config?: string;
  variant?: Variant;
  /** A .config's whole text (and its name) to lay out under instead. */
  configText?: { text: string; label: string };
}

/** The longest .config text a request may carry (a real one is about 300 KB). */
export const MAX_CONFIG_TEXT = 16 * 1024 * 1024;

export function layoutParams(p: unknown): LayoutQuery {
  const bad = invalidParams(`memdesc/layout needs { uri: string } or { root: string }, with optional arch (${ABI_NAMES.join(' ')}), config (a .config path) and variant (${VARIANTS.map((v) => v.name).join(' ')})`);
  if (!isObject(p) || !optional(p.uri, 'string') || !optional(p.root, 'string') || (p.uri === undefined && p.root === undefined)) throw bad;
  if (!optional(p.config, 'string') || (p.arch !== undefined && !(typeof p.arch === 'string' && isAbiName(p.arch)))) throw bad;
  const variant = p.variant === undefined ? undefined : VARIANTS.find((v) => v.name === p.variant);
  if (p.variant !== undefined && !variant) throw bad;
  if (!optional(p.configText, 'string') || !optional(p.configLabel, 'string')) throw bad;
  if (p.configText !== undefined && ((p.configText as string).length > MAX_CONFIG_TEXT || p.config !== undefined || p.variant !== undefined)) throw invalidParams(`memdesc/layout: configText is a .config's text of at most ${MAX_CONFIG_TEXT} characters, not given with config or variant`);
  const configText = p.configText === undefined ? undefined : { text: p.configText as string, label: ((p.configLabel as string | undefined) ?? 'a .config given by the editor').slice(0, 500) };
  return { uri: p.uri as string | undefined, root: p.root as string | undefined, arch: p.arch as AbiName | undefined, config: p.config as string | undefined, variant, ...(configText ? { configText } : {}) };
}

/** memdesc/configVariants' params: nothing, or `{ arch }` (an ABI name). */
export function configVariantsParams(p: unknown): { arch?: AbiName } {
  if (p === undefined || p === null) return {};
  if (!isObject(p) || (p.arch !== undefined && !(typeof p.arch === 'string' && isAbiName(p.arch)))) throw invalidParams(`memdesc/configVariants takes { arch?: ${ABI_NAMES.join(' | ')} }`);
  return { arch: p.arch as AbiName | undefined };
}

/** memdesc/explored's params: `{ uri }`. */
export function exploredParams(p: unknown): { uri: string } {
  if (!isObject(p) || typeof p.uri !== 'string') throw invalidParams('memdesc/explored needs { uri: string }');
  return { uri: p.uri };
}

/** memdesc/exploredConfig's params: a document, an ABI, and a counterexample's line or a layout's assignment. */
export function exploredConfigParams(p: unknown): { uri: string; arch: AbiName; line?: number; assignment?: Record<string, string> } {
  const bad = invalidParams(`memdesc/exploredConfig needs { uri: string, arch: ${ABI_NAMES.join(' | ')}, line?: number, assignment?: { [CONFIG_X]: string } }`);
  if (!isObject(p) || typeof p.uri !== 'string' || !(typeof p.arch === 'string' && isAbiName(p.arch))) throw bad;
  if (p.line !== undefined && !isUint(p.line)) throw bad;
  if (p.assignment !== undefined && !(isObject(p.assignment) && Object.entries(p.assignment).every(([k, v]) => /^CONFIG_\w+$/.test(k) && typeof v === 'string'))) throw bad;
  if (p.line === undefined && p.assignment === undefined) throw bad;
  return { uri: p.uri, arch: p.arch, ...(p.line !== undefined ? { line: p.line } : {}), ...(p.assignment !== undefined ? { assignment: p.assignment as Record<string, string> } : {}) };
}

/** textDocument/codeAction's params: a document, a range, and the diagnostics the client has there. */
export function codeActionParams(p: unknown): { uri: string; range: Range; diagnostics: unknown[] } {
  const { uri, range } = rangeParams(p, 'codeAction');
  const ctx = isObject(p) ? p.context : undefined;
  const diagnostics = isObject(ctx) && Array.isArray(ctx.diagnostics) ? ctx.diagnostics : [];
  return { uri, range, diagnostics };
}
