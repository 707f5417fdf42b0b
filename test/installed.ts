// The npm package as a user gets it: packed by scripts/package.mjs, then `npm install -g` of the tarball into
// a temporary prefix as on a fresh machine (no registry, an empty cache, a private HOME, none of the npm
// settings of the npm that runs the tests), for tests that run the installed `memdesc-layout`.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

type PackageModule = typeof import('../scripts/package.mjs', { with: { 'resolution-mode': 'import' } });

export const ROOT = path.resolve(__dirname, '../..');

export interface Installed {
  /** What `npm pack` reported: the tarball, its files and sizes. */
  tarball: { path: string; files: string[]; size: number; unpackedSize: number };
  /** The install prefix; its bin/ holds the command. */
  prefix: string;
  /** The installed `memdesc-layout` (bin/memdesc-layout). */
  command: string;
  /** The installed package folder (lib/node_modules/memdesc-layout). */
  packageDir: string;
  /** The environment of a user with the prefix's bin/ first on PATH. */
  env: Record<string, string>;
  remove(): void;
}

/**
 * The environment without the npm settings that `npm test` exports to its children (npm_config_*, npm_*) and
 * without node:test's marker (a node program started with it reports to the test runner).
 */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k) && k !== 'NODE_TEST_CONTEXT') env[k] = v;
  return { ...env, ...extra };
}

/** Packs the npm package and installs it, offline, into a new temporary prefix. Throws with npm's output. */
export async function installPackage(): Promise<Installed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-npm-'));
  try {
    const pkg: PackageModule = await import(pathToFileURL(path.join(ROOT, 'scripts/package.mjs')).href);
    const tarball = pkg.packageNpm({ quiet: true, stage: path.join(dir, 'stage'), dest: dir });
    const prefix = path.join(dir, 'prefix');
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    // --offline and a registry nobody listens on: the install must need nothing but the tarball.
    const r = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--cache', path.join(dir, 'cache'), '--offline', '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund', '--no-update-notifier', tarball.path], {
      encoding: 'utf8',
      env: cleanEnv({ HOME: home }),
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`npm install -g ${tarball.path} failed (exit ${r.status ?? r.error}):\n${r.stdout}${r.stderr}`);
    const command = path.join(prefix, 'bin', 'memdesc-layout');
    return {
      tarball,
      prefix,
      command,
      packageDir: path.join(prefix, 'lib', 'node_modules', 'memdesc-layout'),
      env: cleanEnv({ PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` }),
      remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
