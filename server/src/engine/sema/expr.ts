// Expression trees: constant expressions are kept as written (token index range) so results can explain themselves.

import { Type } from './types';

/** Integer type of a value: width in bits and signedness (C's usual arithmetic conversions work on these). */
export interface IntType {
  bits: number;
  signed: boolean;
}

export type OffsetofStep = { member: string; tok: number } | { index: Expr };

/** What an identifier meant where the expression was parsed. */
export type Binding =
  | { kind: 'enumerator'; value: bigint; type: Type }
  | { kind: 'variable'; type: Type }
  | { kind: 'unknown' };

interface Node {
  /** Index of the first and last token of the expression in the translation unit's token array. */
  s: number;
  e: number;
}

export type Expr = Node &
  (
    | { k: 'int'; value: bigint; type: Type }
    | { k: 'float'; value: number; type: Type }
    | { k: 'string'; text: string; /** Elements including the NUL, and bytes before the first NUL, for narrow strings; undefined for wide ones. */ length?: number; strlen?: number }
    | { k: 'ident'; name: string; binding: Binding }
    | { k: 'unary'; op: '-' | '+' | '~' | '!' | '*' | '&'; arg: Expr }
    | { k: 'binary'; op: string; l: Expr; r: Expr }
    | { k: 'cond'; c: Expr; t: Expr | undefined; f: Expr }
    | { k: 'cast'; type: Type; arg: Expr }
    | { k: 'sizeof'; type: Type | undefined; arg: Expr | undefined }
    | { k: 'alignof'; type: Type | undefined; arg: Expr | undefined; preferred: boolean }
    | { k: 'offsetof'; type: Type; path: OffsetofStep[] }
    | { k: 'member'; arg: Expr; name: string; arrow: boolean; tok: number }
    | { k: 'index'; arg: Expr; index: Expr }
    | { k: 'call'; name: string | undefined; args: Expr[] }
    | { k: 'typesCompatible'; a: Type; b: Type }
    | { k: 'unsupported'; what: string }
  );
