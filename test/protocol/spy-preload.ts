// Preloaded (node --require) into the language server by untrusted.test.ts: writes every file the process and its
// worker threads read or open, and every attempt to start a process, to the file MEMDESC_SPY_LOG names (one JSON
// line each, with the thread), and makes such an attempt fail.

// The modules themselves (not `import * as`, whose namespace copies have getters only): the server's bundle calls them.
import cp = require('node:child_process');
import fs = require('node:fs');
import { threadId } from 'node:worker_threads';

const logFile = process.env.MEMDESC_SPY_LOG;
if (logFile) {
  // Opened before anything is wrapped, and written with writeSync: the log itself is neither recorded nor recursive.
  const fd = fs.openSync(logFile, 'a');
  const record = (kind: 'read' | 'spawn', what: unknown) => fs.writeSync(fd, `${JSON.stringify({ kind, thread: threadId, what: String(what) })}\n`);
  type Fn = (...args: never[]) => unknown;
  const wrapRead = <T extends object>(mod: T, names: string[]) => {
    const m = mod as unknown as Record<string, Fn>;
    for (const name of names) {
      const original = m[name];
      if (typeof original !== 'function') continue;
      m[name] = function (this: unknown, ...args: never[]) {
        // A number is a descriptor the process opened (and recorded) itself.
        if (typeof args[0] !== 'number') record('read', args[0]);
        return original.apply(this, args);
      };
    }
  };
  wrapRead(fs, ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']);
  wrapRead(fs.promises, ['readFile', 'open']);
  const c = cp as unknown as Record<string, Fn>;
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
    c[name] = (...args: never[]) => {
      record('spawn', `${name} ${String(args[0])}`);
      throw new Error(`memdesc test: ${name} is not allowed in the language server`);
    };
  }
}
