// One differential check: a generated or corpus source through the engine, gcc and clang.

import { AbiName } from '../../server/src/engine/base/abi';
import { LayoutJson } from '../../server/src/engine/view/report';
import { json } from '../helpers';
import { compareRecord, describe as describeMismatches, toAssertions } from './compare';
import { clangLayouts, gccBitfields, gccFailedAssertions } from './oracle';

export interface DiffStats {
  records: number;
  members: number;
  bitfields: number;
  clangDisagrees: string[];
}

/** Checks one source against gcc (and clang); returns mismatch descriptions (empty = exact). */
export function diffSource(source: string, records: string[], abi: AbiName, msExtensions: boolean, stats: DiffStats): string[] {
  const ours: LayoutJson = json(source, abi, { msExtensions });
  const problems = ours.diagnostics.filter((d) => d.severity === 'error');
  if (problems.length) return problems.map((d) => `${abi}: engine error at line ${d.line}: ${d.message}`);
  const failures: string[] = [];
  // gcc: every size, alignment and member offset we computed, as assertions it must accept.
  const failed = gccFailedAssertions(source, toAssertions(ours, records), abi, msExtensions);
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
  // clang, second opinion: its verdict on the same assertions; its record dump lists the members (presence only:
  // the dump is taken before attributes after a closing brace apply, so its numbers are not clang's final layout).
  const clangFailed = gccFailedAssertions(source, toAssertions(ours, records), abi, msExtensions, 'clang');
  for (const f of clangFailed) stats.clangDisagrees.push(`${abi}: ${f}`);
  const clang = clangLayouts(source, abi, msExtensions);
  for (const name of records) {
    const t = clang.get(name);
    if (!t) continue;
    const s = ours.structs.find((x) => x.name === name);
    const presence = compareRecord(s, t, name).filter((m) => m.ours === 'missing' || m.theirs === 'missing');
    if (presence.length) failures.push(describeMismatches(presence, abi));
  }
  return failures;
}

