// `npm start`: build, package the .vsix, and open a real VS Code (code-server from the npm registry, on
// 127.0.0.1) on examples/ with the extension installed; prints the URL. Ctrl+C stops it (the whole process tree).
// Options: --port N (default: a free port), --fresh (forget the previous session's editor state).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, ensureCodeServer, installExtension, instanceDirs, startCodeServer } from './code-server.mjs';
import { packageVsix } from './package.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const log = (s) => console.error(`[memdesc] ${s}`);

const vsix = packageVsix();
log(`packaged ${path.relative(root, vsix)}`);
const cs = await ensureCodeServer({ log });
const base = path.join(cacheRoot(), 'vscode', 'start');
if (process.argv.includes('--fresh')) fs.rmSync(base, { recursive: true, force: true });
const dirs = instanceDirs(base);
const settings = path.join(dirs.userData, 'User', 'settings.json');
if (!fs.existsSync(settings)) {
  fs.mkdirSync(path.dirname(settings), { recursive: true });
  fs.writeFileSync(settings, JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false }, null, 2));
}
installExtension(cs, dirs, vsix);
log('extension installed');
const folder = path.join(root, 'examples');
const port = arg('--port') ? Number(arg('--port')) : undefined;
const server = await startCodeServer(cs, dirs, { folder, port, log });
console.log(`\nVS Code with memdesc-layout on the examples: ${server.url}\n`);
console.log('Open linux/mm/slab.h or linux/mm/balloon.memdesc, then "memdesc: Open Layout Diagram". Ctrl+C stops.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log('stopping code-server');
  const left = await server.stop();
  if (left.length) log(`still running: ${left.join(', ')}`);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
