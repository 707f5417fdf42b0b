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
}

export function layoutParams(p: unknown): LayoutQuery {
  const bad = invalidParams(`memdesc/layout needs { uri: string } or { root: string }, with optional arch (${ABI_NAMES.join(' ')}), config (a .config path) and variant (${VARIANTS.map((v) => v.name).join(' ')})`);
  if (!isObject(p) || !optional(p.uri, 'string') || !optional(p.root, 'string') || (p.uri === undefined && p.root === undefined)) throw bad;
  if (!optional(p.config, 'string') || (p.arch !== undefined && !(typeof p.arch === 'string' && isAbiName(p.arch)))) throw bad;
  const variant = p.variant === undefined ? undefined : VARIANTS.find((v) => v.name === p.variant);
  if (p.variant !== undefined && !variant) throw bad;
  return { uri: p.uri as string | undefined, root: p.root as string | undefined, arch: p.arch as AbiName | undefined, config: p.config as string | undefined, variant };
}

/** memdesc/configVariants' params: nothing, or `{ arch }` (an ABI name). */
export function configVariantsParams(p: unknown): { arch?: AbiName } {
  if (p === undefined || p === null) return {};
  if (!isObject(p) || (p.arch !== undefined && !(typeof p.arch === 'string' && isAbiName(p.arch)))) throw invalidParams(`memdesc/configVariants takes { arch?: ${ABI_NAMES.join(' | ')} }`);
  return { arch: p.arch as AbiName | undefined };
}
