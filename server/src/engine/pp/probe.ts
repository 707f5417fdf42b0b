// Config probes: while a conditional directive's expression is evaluated, the same expression evaluated again under
// every combination of the values of the Kconfig symbols it read (CONFIG_X, CONFIG_X_MODULE), with every other macro
// as it stands. An exploration of the Kconfig space (kernel/explore.ts) then knows, for each group a layout depends
// on, exactly which combinations keep the same decision, instead of pinning each symbol to the one value the run
// saw. An expression with too many combinations, or reading a macro computed from many symbols (bounds.h), is
// abstracted instead: the exploration treats its value as a free choice and may force it (ConfigProbe.forced).

import { Token, TokenKind } from '../base/token';
import { MacroDef } from './macros';
import type { Spellings } from './spellings';

/** How an ExprProbe names an opaque macro it varied (not a Kconfig symbol: the exploration maps it back). */
export const OPAQUE_PREFIX = '=';

/** What the preprocessor asks of the exploration about symbols (given in PreprocessOptions.configProbe). */
export interface ConfigProbe {
  /** The values a Kconfig symbol (without CONFIG_) can take in a valid configuration; undefined: it has one value here, or is unknown. */
  domainOf(symbol: string): readonly string[] | undefined;
  /**
   * A macro whose value comes from many symbols in ways no expression shows (bounds.h's, computed by compiling
   * kernel/bounds.c): an expression that reads one is not probed but abstracted (CondExpr.complex).
   */
  opaque(name: string): boolean;
  /**
   * The values an opaque macro takes over the valid configurations, when the exploration has tabulated them (a
   * bounds.h value computed from few symbols): an expression reading it is then probed over these values like a
   * symbol's, under the name OPAQUE_PREFIX + name, instead of abstracted.
   */
  opaqueValues?(name: string): readonly string[] | undefined;
  /** Expressions whose value is given instead of evaluated, by CondExpr.key (an abstracted condition's case). */
  forced?: ReadonlyMap<string, boolean>;
  /** Most combinations evaluated for one expression (more: the expression is abstracted). */
  maxCombinations: number;
}

/**
 * One conditional expression of a run with config probes, as the exploration reads it: its value, its own lookups,
 * and either its value for each combination of the varying symbols it read (probe), or that it is abstracted
 * (complex: too many combinations, or an opaque macro; forced: its value was given). Neither: it read no varying
 * symbol.
 */
export interface CondExpr {
  /** The directive's place: file path and the offset of its name (`if`, `elif`...). */
  readonly key: string;
  readonly value: boolean;
  /** Its lookups, as spelling id / definition pairs (what Cond.deps holds for the whole chain). */
  readonly lookups: ReadonlyArray<number | MacroDef | undefined>;
  readonly probe?: ExprProbe;
  readonly complex?: boolean;
  readonly forced?: boolean;
}

/**
 * The values of an expression for each combination of its symbols' values (mixed radix, the first symbol most
 * significant).
 */
export interface ExprProbe {
  /** The names it varied (spelling ids of CONFIG_X and CONFIG_X_MODULE). */
  readonly ids: readonly number[];
  readonly symbols: readonly string[];
  readonly domains: ReadonlyArray<readonly string[]>;
  /** 1 where the expression is true. */
  readonly table: Uint8Array;
  readonly value: boolean;
}

/** A macro the probe sets for a combination: by spelling id, the definition (undefined: not defined). */
export type Patch = Array<{ id: number; def: MacroDef | undefined }>;

/** How to set the macros of one symbol to a value. */
interface Setter {
  symbol: string;
  apply(values: ReadonlyMap<string, string>, out: Patch): void;
}

/**
 * Builds the probes of a run's conditional expressions: from the names an expression looked up, which symbols to
 * vary, and the definitions each combination sets.
 */
export class ConditionProber {
  /** Where synthesised definition tokens say they come from: the directive being probed. */
  private at: Token | undefined;

  constructor(
    private readonly probe: ConfigProbe,
    private readonly spellings: Spellings,
  ) {}

  /**
   * The probe of an expression that looked up `ids`, evaluated by `evaluate` with `setDefs` applied; undefined when
   * it read no varying symbol, null when it read one but has too many combinations (or a symbol that cannot be set).
   */
  run(ids: readonly number[], at: Token, setDefs: (patch: Patch) => Patch, evaluate: () => boolean, value: boolean): ExprProbe | null | undefined {
    this.at = at;
    const symbols: string[] = [];
    const domains: Array<readonly string[]> = [];
    const opaqueIds: number[] = [];
    for (const id of new Set(ids)) {
      const name = this.spellings.text(id);
      if (this.probe.opaque(name)) {
        const values = this.probe.opaqueValues?.(name);
        if (!values) return null;
        symbols.push(OPAQUE_PREFIX + name);
        domains.push(values);
        opaqueIds.push(id);
        continue;
      }
      if (!name.startsWith('CONFIG_')) continue;
      let sym = name.slice(7);
      let d = this.probe.domainOf(sym);
      if (!d && sym.endsWith('_MODULE')) d = this.probe.domainOf((sym = sym.slice(0, -7)));
      if (!d || symbols.includes(sym)) continue;
      symbols.push(sym);
      domains.push(d);
    }
    if (!symbols.length) return undefined;
    let combos = 1;
    for (const d of domains) combos *= d.length;
    if (combos > this.probe.maxCombinations) return null;
    const setters = symbols.map((sym) => this.symbolSetter(sym));
    const table = new Uint8Array(combos);
    const values = new Map<string, string>();
    for (let c = 0; c < combos; c++) {
      let rest = c;
      for (let i = symbols.length - 1; i >= 0; i--) {
        values.set(symbols[i], domains[i][rest % domains[i].length]);
        rest = Math.floor(rest / domains[i].length);
      }
      const patch: Patch = [];
      for (const s of setters) s.apply(values, patch);
      const saved = setDefs(patch);
      try {
        table[c] = evaluate() ? 1 : 0;
      } finally {
        setDefs(saved);
      }
    }
    const varied = [...opaqueIds, ...symbols.filter((sym) => !sym.startsWith(OPAQUE_PREFIX)).flatMap((sym) => [this.spellings.intern(`CONFIG_${sym}`), this.spellings.intern(`CONFIG_${sym}_MODULE`)])];
    return { ids: varied, symbols, domains, table, value };
  }

  private symbolSetter(sym: string): Setter {
    if (sym.startsWith(OPAQUE_PREFIX)) {
      const name = sym.slice(OPAQUE_PREFIX.length);
      const id = this.spellings.intern(name);
      return { symbol: sym, apply: (values, out) => void out.push({ id, def: this.define(name, id, values.get(sym)!) }) };
    }
    const id = this.spellings.intern(`CONFIG_${sym}`);
    const moduleId = this.spellings.intern(`CONFIG_${sym}_MODULE`);
    return {
      symbol: sym,
      apply: (values, out) => {
        const v = values.get(sym)!;
        out.push({ id, def: v === 'n' || v === '' || v === 'm' ? undefined : this.define(`CONFIG_${sym}`, id, v === 'y' ? '1' : v) });
        out.push({ id: moduleId, def: v === 'm' ? this.define(`CONFIG_${sym}_MODULE`, moduleId, '1') : undefined });
      },
    };
  }

  /** An object-like definition whose body is one number (a leading minus is its own token), string or identifier. */
  private define(name: string, id: number, body: string): MacroDef {
    const tok = (kind: TokenKind, text: string): Token => ({
      kind, text, spell: kind === TokenKind.String || kind === TokenKind.Number ? -1 : this.spellings.intern(text),
      file: this.at!.file, offset: this.at!.offset, end: this.at!.end, bol: false, space: false,
    });
    const toks: Token[] = [];
    if (body.startsWith('-')) {
      toks.push(tok(TokenKind.Punct, '-'));
      body = body.slice(1);
    }
    toks.push(tok(body.startsWith('"') ? TokenKind.String : /^[0-9]/.test(body) ? TokenKind.Number : TokenKind.Identifier, body));
    return new MacroDef(name, id, undefined, undefined, false, undefined, 0, undefined, 0, toks.length, false, toks);
  }
}

/** The combinations of an expression probe's symbols that give it the value it had (index lists, mixed radix). */
export function sameValueCombinations(p: ExprProbe): number[] {
  const out: number[] = [];
  for (let c = 0; c < p.table.length; c++) if ((p.table[c] === 1) === p.value) out.push(c);
  return out;
}
