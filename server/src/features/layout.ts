// memdesc/layout: the model the layout diagram draws — struct page and every descriptor as layout trees
// (union arms side by side), with overlaps, pages and findings. Types in shared/protocol.ts.

import { FieldLayout } from '../engine';
import { recordName, RecordDef, typeToString } from '../engine';
import { LayoutFinding, LayoutNode, LayoutResult, LayoutStruct } from '../../../shared/protocol';
import type { AnalysisResult } from '../session';
import { pathToUri, toPosition } from './util';
import { Span } from '../engine';

const loc = (s: Span) => ({ uri: pathToUri(s.file.path), ...toPosition(s.file, s.offset) });

export function layoutModel(r: AnalysisResult): LayoutResult {
  const a = r.analysis;
  const lay = a.layouter;
  const structs = [r.model.base, ...r.model.memdescs].filter((s) => s !== undefined);
  const pageSize = r.model.base?.size ?? null;
  const out: LayoutStruct[] = structs.map((s) => {
    const ms = s!;
    const overlapsOf = new Map(ms.members.map((m) => [m.flat.member, m]));
    const nodes = (def: RecordDef, base: number | undefined): LayoutNode[] =>
      lay.layout(def).fields.map((f: FieldLayout) => {
        const abs = base === undefined || f.bitOffset === undefined ? undefined : base + f.bitOffset;
        const m = f.member;
        const size = lay.sizeOf(m.type);
        if (m.anonymous && m.type.kind === 'record') {
          return { kind: m.type.def.kind, offset: abs === undefined ? null : Math.floor(abs / 8), size: size ?? null, location: loc(m.loc), children: nodes(m.type.def, abs) };
        }
        const mm = overlapsOf.get(m);
        const node: LayoutNode = { kind: 'member', name: m.name, type: typeToString(m.type), offset: abs === undefined ? null : Math.floor(abs / 8), size: size ?? null, location: loc(m.loc) };
        if (m.bitWidth !== undefined && abs !== undefined) {
          node.bitOffset = abs;
          node.bitSize = m.bitWidth;
        }
        if (mm) {
          node.page = mm.page ?? null;
          node.overlaps = mm.overlaps.map((o) => ({ ...o }));
        }
        return node;
      });
    return {
      name: recordName(ms.def)!,
      size: ms.size ?? null,
      align: lay.layout(ms.def).align ?? null,
      overlays: ms === r.model.base ? undefined : r.model.base?.name,
      pages: ms.pages ?? null,
      location: loc(ms.def.loc),
      nodes: nodes(ms.def, 0),
    };
  });
  const findings: LayoutFinding[] = [
    ...a.asserts.filter((v) => v.holds !== true).map((v) => ({
      code: v.holds === false ? 'assert-fails' : 'assert-unknown',
      severity: (v.holds === false ? 'error' : 'warning') as 'error' | 'warning',
      message: `${v.text}: ${v.detail}`,
      location: loc(v),
      members: r.model.pairs.filter((p) => p.assert === v).flatMap((p) => [p.a, p.b]).map(({ struct, member }) => ({ struct, member })),
    })),
    ...r.model.findings.map((f) => ({ code: f.code, severity: f.severity, message: f.message, location: loc(f.at) })),
  ];
  const asserts = {
    holding: a.asserts.filter((v) => v.holds === true).length,
    failing: a.asserts.filter((v) => v.holds === false).length,
    unknown: a.asserts.filter((v) => v.holds === null).length,
  };
  const choice = r.context.configChoice;
  return {
    arch: a.abi.name,
    wordSize: a.abi.wordSize,
    pageSize,
    structs: out,
    findings,
    asserts,
    configSource: r.setup?.configSource ?? (choice?.error ? 'none (the settings contradict each other)' : null),
    configKind: choice ? (choice.kind === 'given' ? 'setting' : choice.kind) : null,
    archFrom: choice ? (choice.abiFrom === 'given' ? 'setting' : choice.abiFrom) : null,
    configNotice: choice?.error ?? choice?.notice ?? null,
  };
}
