// Our layout (the engine's JSON) against the compilers', member by member.

import { AbiName } from '../../server/src/engine/base/abi';
import { LayoutJson, StructJson } from '../../server/src/engine/view/report';
import { OracleRecord } from './oracle';

export interface Mismatch {
  record: string;
  what: string;
  ours: unknown;
  theirs: unknown;
}

export function compareRecord(ours: StructJson | undefined, theirs: OracleRecord, name: string): Mismatch[] {
  if (!ours) return [{ record: name, what: 'record', ours: 'missing', theirs: 'present' }];
  const out: Mismatch[] = [];
  if (ours.size !== theirs.size) out.push({ record: name, what: 'sizeof', ours: ours.size, theirs: theirs.size });
  if (ours.align !== theirs.align) out.push({ record: name, what: 'alignof', ours: ours.align, theirs: theirs.align });
  const mine = new Map(ours.members.map((m) => [m.name, m]));
  for (const [member, t] of theirs.members) {
    const m = mine.get(member);
    if (!m) {
      out.push({ record: name, what: `${member}`, ours: 'missing', theirs: t });
      continue;
    }
    if (t.bitOffset !== undefined) {
      if (m.bitOffset !== t.bitOffset || m.bitSize !== t.bitSize) out.push({ record: name, what: `${member} bits`, ours: `${m.bitOffset}+${m.bitSize}`, theirs: `${t.bitOffset}+${t.bitSize}` });
    } else if (m.offset !== t.offset) out.push({ record: name, what: `offsetof ${member}`, ours: m.offset, theirs: t.offset });
  }
  for (const m of ours.members) if (!theirs.members.has(m.name)) out.push({ record: name, what: `${m.name}`, ours: 'present', theirs: 'missing' });
  return out;
}

/** `_Static_assert`s that pin our layout of every record: sizeof, _Alignof and offsetof of each non-bitfield member. */
export function toAssertions(ours: LayoutJson, records: string[]): Array<{ expr: string; id: string }> {
  const out: Array<{ expr: string; id: string }> = [];
  for (const name of records) {
    const s = ours.structs.find((x) => x.name === name);
    if (!s) continue;
    const T = name.startsWith('anon_td') ? name : `${s.kind} ${name}`;
    if (s.size !== null) out.push({ expr: `sizeof(${T}) == ${s.size}`, id: `${name}.sizeof=${s.size}` });
    // __alignof__ is the record's alignment itself (C11 _Alignof caps a vector-aligned one at __BIGGEST_ALIGNMENT__).
    if (s.align !== null) out.push({ expr: `__alignof__(${T}) == ${s.align}`, id: `${name}.alignof=${s.align}` });
    for (const m of s.members) {
      if (m.bitSize !== undefined || m.offset === null) continue;
      out.push({ expr: `__builtin_offsetof(${T}, ${m.name}) == ${m.offset}`, id: `${name}.${m.name}=${m.offset}` });
    }
  }
  return out;
}

export function describe(ms: Mismatch[], abi: AbiName): string {
  return ms.map((m) => `${abi}: ${m.record}: ${m.what}: ours ${JSON.stringify(m.ours)}, compiler ${JSON.stringify(m.theirs)}`).join('\n');
}
