// The golden comparison of our text output with pahole's own: a source compiled with the ABI's gcc (-g, every
// type kept), pahole run on the object, and each of its struct/union blocks compared byte for byte with the
// block `memdesc-layout layout` prints for the same record.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ABIS, AbiName } from '../../server/src/engine/base/abi';
import { layoutText } from '../../server/src/engine/view/report';
import { analyzeText } from '../helpers';

export interface GoldenResult {
  /** Blocks pahole and we both printed, and those that differ (with the first differing line). */
  compared: number;
  differences: string[];
  /** Records we print that pahole did not (none expected). */
  missing: string[];
  /**
   * Typedef'd anonymous unions: pahole 1.24 prints only `typedef union  NAME;` for them (no members), where we
   * deliberately print the members as for a typedef'd anonymous struct.
   */
  deliberate: string[];
}

/** pahole's version line (`v1.24`), or undefined when it is not installed. */
export function paholeVersion(): string | undefined {
  const r = spawnSync('pahole', ['--version'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? undefined : r.stdout.trim();
}

/** Splits text into `struct|union NAME {` ... `};` and `typedef struct|union {` ... `} NAME;` blocks, by name. */
export function blocks(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let cur: string[] | undefined;
  let name: string | undefined;
  for (const line of text.split('\n')) {
    if (!cur) {
      const head = /^(?:struct|union) (\w+) \{$/.exec(line);
      if (head || /^typedef (?:struct|union) \{$/.test(line)) {
        cur = [line];
        name = head?.[1];
      }
      continue;
    }
    cur.push(line);
    if (!/^\}.*;$/.test(line)) continue;
    const key = name ?? /(\w+);$/.exec(line)?.[1];
    if (key !== undefined) out.set(key, cur.join('\n'));
    cur = undefined;
  }
  return out;
}

/**
 * Compiles `source` for `abi` and compares pahole's block of every struct and union (typedef'd anonymous ones
 * through `pahole -C`) with ours.
 */
export function paholeGolden(source: string, abi: AbiName, msExtensions = false): GoldenResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-pahole-'));
  try {
    const file = path.join(dir, 'input.c');
    const obj = path.join(dir, 'input.o');
    fs.writeFileSync(file, source);
    const cc = spawnSync(ABIS[abi].gcc, [...ABIS[abi].gccFlags, '-g', '-fno-eliminate-unused-debug-types', '-w', '-std=gnu11', ...(msExtensions ? ['-fms-extensions'] : []), '-c', '-o', obj, file], { encoding: 'utf8' });
    if (cc.status !== 0) throw new Error(`${ABIS[abi].gcc} rejected the source:\n${cc.stderr.split('\n').slice(0, 10).join('\n')}`);
    // Linked, so that the debug information's relocations are applied: pahole's libdw does not apply them in an
    // object for every target (on sh4, mips64 and arc it reads names at the wrong string offsets).
    const lib = path.join(dir, 'input.so');
    const ld = spawnSync(ABIS[abi].gcc, [...ABIS[abi].gccFlags, '-nostdlib', '-shared', '-o', lib, obj], { encoding: 'utf8' });
    if (ld.status !== 0) throw new Error(`${ABIS[abi].gcc} could not link the object:\n${ld.stderr.split('\n').slice(0, 10).join('\n')}`);
    const ours = blocks(layoutText(analyzeText(source, abi, { msExtensions }), (f) => f.path));
    const run = (args: string[]) => {
      const r = spawnSync('pahole', [...args, lib], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(`pahole failed: ${r.stderr}`);
      return r.stdout;
    };
    const theirs = blocks(run([]));
    const typedefs = [...ours.keys()].filter((k) => !theirs.has(k));
    const typedefText = typedefs.length ? run(['-C', typedefs.join(',')]) : '';
    for (const [k, v] of blocks(typedefText)) theirs.set(k, v);
    const result: GoldenResult = { compared: 0, differences: [], missing: [], deliberate: [] };
    const unionOneLiners = new Set([...typedefText.matchAll(/^typedef union {2}(\w+);$/gm)].map((m) => m[1]));
    for (const [name, block] of ours) {
      const t = theirs.get(name);
      if (t === undefined) {
        if (unionOneLiners.has(name) && block.startsWith('typedef union {')) result.deliberate.push(name);
        else result.missing.push(name);
        continue;
      }
      result.compared++;
      if (t === block) continue;
      const ol = block.split('\n');
      const tl = t.split('\n');
      const i = ol.findIndex((l, k) => l !== tl[k]);
      const at = i < 0 ? ol.length : i;
      result.differences.push(`${abi}: ${name}, line ${at + 1}:\n  ours:   ${JSON.stringify(ol[at])}\n  pahole: ${JSON.stringify(tl[at])}`);
    }
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
