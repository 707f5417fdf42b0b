// Shrinks a failing generated source to the smallest record that still disagrees with gcc, so it can join
// the corpus. usage: node out/test/diff/minimize.js FILE.c ABI RECORD [--ms]

import * as fs from 'node:fs';
import { AbiName } from '../../server/src/engine/base/abi';
import { diffSource, newStats } from './diff';

function fails(source: string, record: string, abi: AbiName, ms: boolean): boolean {
  const stats = newStats();
  try {
    return diffSource(source, [record], abi, ms, stats).some((f) => !f.includes('engine error') && !f.includes('rejected'));
  } catch {
    return false;
  }
}

/** Deletes lines of the record's body (and unused declarations) while the mismatch persists. */
export function minimize(source: string, record: string, abi: AbiName, ms: boolean): string {
  let lines = source.split('\n');
  if (!fails(source, record, abi, ms)) return source;
  // First whole top-level records other than the one that fails, last first (later ones may use earlier ones).
  const blocks: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^(struct|union)\b.*\{$/.test(lines[i]) || new RegExp(` ${record} \\{`).test(lines[i])) continue;
    let j = i;
    while (j < lines.length && !/^\}.*;$/.test(lines[j])) j++;
    blocks.push([i, j]);
  }
  for (const [a, b] of blocks.reverse()) {
    const attempt = [...lines.slice(0, a), ...lines.slice(b + 1)];
    if (fails(attempt.join('\n'), record, abi, ms)) lines = attempt;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = lines.length - 1; i >= 0; i--) {
      const l = lines[i];
      if (new RegExp(`^(struct|union)[^;]* ${record} \\{`).test(l) || l.startsWith('/*')) continue;
      const attempt = [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n');
      if (fails(attempt, record, abi, ms)) {
        lines = attempt.split('\n');
        changed = true;
      }
    }
  }
  return lines.join('\n');
}

if (require.main === module) {
  const [file, abi, record, flag] = process.argv.slice(2);
  process.stdout.write(minimize(fs.readFileSync(file, 'utf8'), record, abi as AbiName, flag === '--ms') + '\n');
}
