// One differential check: a generated or corpus source through the engine and gcc (the oracle of record),
// with clang as a second opinion where it accepts the source.

import { AbiName } from '../../server/src/engine/base/abi';
import { LayoutJson, MemberJson } from '../../server/src/engine/view/report';
import { analyzeText, json } from '../helpers';
import { compareRecord, describe as describeMismatches, toAssertions } from './compare';
import { clangLayouts, gccBitfields, gccFailedAssertions } from './oracle';

export interface DiffStats {
  records: number;
  members: number;
  bitfields: number;
  /** sizeof, _Alignof and __alignof__ of named types, as the engine's constant evaluator answers them. */
  typeValues: number;
  /** Values the engine reported unknown (each with a diagnostic saying why). */
  unknowns: number;
  clangDisagrees: string[];
  /** Sources clang 14 could not compile (GNU C it lacks: _Float32, mode(CDI), vectors of enums, ...). */
  clangRejected: number;
}

export function newStats(): DiffStats {
  return { records: 0, members: 0, bitfields: 0, typeValues: 0, unknowns: 0, clangDisagrees: [], clangRejected: 0 };
}

export interface DiffExtras {
  /** Per record, the member names its text declares (members of nested named members included): each must be reported. */
  members?: Map<string, string[]>;
  /** Type names and spellings whose sizeof, _Alignof and __alignof__ the engine's evaluator must answer as gcc does. */
  types?: string[];
}

/** Checks one source against gcc (and clang); returns mismatch descriptions (empty = exact). */
export function diffSource(source: string, records: string[], abi: AbiName, msExtensions: boolean, stats: DiffStats, extras: DiffExtras = {}): string[] {
  const ours: LayoutJson = json(source, abi, { msExtensions });
  const problems = ours.diagnostics.filter((d) => d.severity === 'error');
  if (problems.length) return problems.map((d) => `${abi}: engine error at line ${d.line}: ${d.message}`);
  const failures: string[] = [];
  // An unknown value is allowed only with a diagnostic that says why (never a silent gap, never a guess).
  const warned = ours.diagnostics.some((d) => d.severity === 'warning');
  for (const name of records) {
    const s = ours.structs.find((x) => x.name === name);
    if (!s) continue;
    const unknown = (s.size === null ? 1 : 0) + (s.align === null ? 1 : 0) + s.members.filter((m) => m.offset === null).length;
    stats.unknowns += unknown;
    if (unknown && !warned) failures.push(`${abi}: ${name}: ${unknown} unknown values and no diagnostic saying why`);
  }
  // Every member the source declares is reported (a member we dropped would otherwise go unnoticed: gcc is only
  // asked about the members we report).
  for (const [name, declared] of extras.members ?? []) {
    const s = ours.structs.find((x) => x.name === name);
    if (!s) {
      failures.push(`${abi}: ${name}: record missing from our output`);
      continue;
    }
    const reported = new Set<string>();
    const walk = (ms: MemberJson[]) => {
      for (const m of ms) {
        reported.add(m.name);
        if (m.inner) walk(m.inner.members);
      }
    };
    walk(s.members);
    const missing = declared.filter((m) => !reported.has(m));
    if (missing.length) failures.push(`${abi}: ${name}: members ${missing.join(', ')} are declared but not reported`);
  }
  // gcc: every size, alignment and member offset we computed, as assertions it must accept; the evaluator's
  // sizeof/_Alignof/__alignof__ of the records and named types too.
  const assertions = [...toAssertions(ours, records), ...typeAssertions(source, records, extras.types ?? [], abi, msExtensions, ours, stats)];
  const failed = gccFailedAssertions(source, assertions, abi, msExtensions);
  for (const f of failed) failures.push(`${abi}: gcc disagrees: ${f}`);
  // gcc: every bitfield's bits, read back from its assembly.
  const bitfields: Array<{ record: string; kind: 'struct' | 'union'; member: string; bitOffset: number; bitSize: number }> = [];
  for (const name of records) {
    const s = ours.structs.find((x) => x.name === name);
    if (!s || name.startsWith('anon_td')) continue;
    stats.records++;
    stats.members += s.members.length;
    for (const m of s.members) if (m.bitSize !== undefined && m.bitOffset !== null && m.bitOffset !== undefined) bitfields.push({ record: name, kind: s.kind, member: m.name, bitOffset: m.bitOffset, bitSize: m.bitSize });
  }
  stats.bitfields += bitfields.length;
  const gccBits = gccBitfields(source, bitfields, abi, msExtensions);
  for (const b of bitfields) {
    const g = gccBits.get(`${b.record}.${b.member}`);
    if (!g) failures.push(`${abi}: gcc placed no bits for ${b.record}.${b.member}`);
    else if (g.bitOffset !== b.bitOffset || g.bitSize !== b.bitSize) failures.push(`${abi}: ${b.record}.${b.member} bits: ours ${b.bitOffset}+${b.bitSize}, gcc ${g.bitOffset}+${g.bitSize}`);
  }
  // clang, second opinion where it compiles the source: its verdict on the same assertions; its record dump lists
  // the members (presence only: the dump is taken before attributes after a closing brace apply).
  const clang = clangLayouts(source, abi, msExtensions);
  if (!clang) {
    stats.clangRejected++;
    return failures;
  }
  const clangFailed = gccFailedAssertions(source, toAssertions(ours, records), abi, msExtensions, 'clang');
  for (const f of clangFailed) stats.clangDisagrees.push(`${abi}: ${f}`);
  for (const name of records) {
    const t = clang.get(name);
    if (!t) continue;
    const s = ours.structs.find((x) => x.name === name);
    const presence = compareRecord(s, t, name).filter((m) => m.ours === 'missing' || m.theirs === 'missing');
    if (presence.length) failures.push(describeMismatches(presence, abi));
  }
  return failures;
}

/**
 * sizeof, _Alignof and __alignof__ of each record and named type as the engine's constant evaluator computes them
 * (through enumerators appended to the source), as `_Static_assert`s for gcc.
 */
function typeAssertions(source: string, records: string[], types: string[], abi: AbiName, msExtensions: boolean, ours: LayoutJson, stats: DiffStats): Array<{ expr: string; id: string }> {
  const spelled = [
    ...records.map((r) => {
      const s = ours.structs.find((x) => x.name === r);
      return s && !s.typedef ? `${s.kind} ${r}` : r;
    }),
    ...types,
  ];
  const ops = ['sizeof', '_Alignof', '__alignof__'];
  const probes = spelled.flatMap((t, i) => ops.map((op, k) => ({ t, op, name: `__memdesc_q${i}_${k}` })));
  if (probes.length === 0) return [];
  // One enum per line: a value the evaluator cannot compute is an error on its line (and that probe is skipped).
  const firstLine = source.split('\n').length + (source.endsWith('\n') ? 0 : 1);
  const text = `${source}${source.endsWith('\n') ? '' : '\n'}${probes.map((p) => `enum { ${p.name} = ${p.op}(${p.t}) };`).join('\n')}\n`;
  const a = analyzeText(text, abi, { msExtensions });
  const failedLines = new Set(a.problems.filter((x) => x.file).map((x) => x.file!.position(x.offset).line));
  const out: Array<{ expr: string; id: string }> = [];
  probes.forEach((p, i) => {
    const o = a.parse.ordinary.get(p.name);
    if (o?.kind !== 'enumerator' || failedLines.has(firstLine + i)) return;
    stats.typeValues++;
    out.push({ expr: `${p.op}(${p.t}) == ${o.value}`, id: `${p.op}(${p.t})=${o.value}` });
  });
  return out;
}
