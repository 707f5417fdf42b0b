// A real editor run headless as the LSP client: its exit status and stderr, killed at the deadline; and the
// sketch both editor tests open (the example with one member inserted, so DEMO_MATCH(refcount, ...) fails).

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

/**
 * Writes the sketch into `dir`; the environment tells the editor script which setup to load (a file of
 * editors/, the README's), what to open, where to hover and where to write.
 */
export function writeSketch(dir: string, setup: string): { lines: string[]; out: string; env: Record<string, string> } {
  const text = fs.readFileSync(path.join(root, 'examples/page-sketch.h'), 'utf8').replace('\tint page_refcount;', '\tint extra;\n\tint page_refcount;');
  const file = path.join(dir, 'page-sketch.memdesc');
  fs.writeFileSync(file, text);
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('int refcount;'));
  const out = path.join(dir, 'out.json');
  return { lines, out, env: { MEMDESC_SETUP: path.join(root, setup), MEMDESC_FILE: file, MEMDESC_OUT: out, MEMDESC_LINE: String(line), MEMDESC_COL: String(lines[line].indexOf('refcount') + 2) } };
}

/** Runs the editor in `cwd` with exactly `env` (the caller starts from the installed package's environment). */
export function runEditor(cmd: string, args: string[], env: Record<string, string>, cwd: string, deadlineMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: `${stderr}${String(e)}` });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
