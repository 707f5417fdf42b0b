// `npm run package`: the two things a release publishes, built for production and printed with their sizes:
// the .vsix (by @vscode/vsce, offline) and the npm package of the CLI and language server (by `npm pack`).
// Each is staged under out/ with its own production bundles, so packaging never rewrites the repo's dist/
// that running tests use; both land in dist/.
//
// One package.json serves both, and vsce and npm read it differently:
// - npm takes its `files` list (the CLI, server and matrix-worker bundles, README, LICENSE, CHANGELOG);
// - vsce takes `.vscodeignore` (the extension's bundles, grammars, webview, icon), and refuses a manifest
//   that has both, so the staged copy for the .vsix drops `files`, and nothing else.
// `npm pack` in the repo itself works too: `prepack` runs the same production build into dist/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
export const vsixPath = path.join(root, 'dist', `${pkg.name}-${pkg.version}.vsix`);
export const tarballPath = path.join(root, 'dist', `${pkg.name}-${pkg.version}.tgz`);
const vsixStage = path.join(root, 'out', 'vsix');
const npmStage = path.join(root, 'out', 'npm');
/** Copied into the .vsix stage as they are; the bundles are built into it. */
const VSIX_STATIC = ['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'language-configuration.json', 'syntaxes', 'media/layout.css', 'media/icon.png'];

function run(cmd, args, cwd, quiet) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${path.basename(args[0] ?? cmd)} ${args.slice(1).join(' ')} failed (exit ${r.status ?? r.error}):\n${output}`);
  if (!quiet) process.stdout.write(output);
  return output;
}

const build = (stage, quiet, only) => run(process.execPath, [path.join(root, 'scripts/build.mjs'), '--production', '--out-root', stage, ...(only ? ['--only', only.join(',')] : [])], root, quiet);

/** The manifest vsce packages: package.json without npm's `files` (see the top of this file). */
export function vsixManifest() {
  const { files: _npmFiles, ...manifest } = pkg;
  return manifest;
}

/**
 * Builds for production and packages the .vsix. Returns its path, what vsce printed (a test checks that it
 * warns about nothing) and the stage it packed. Throws with the tools' output on failure.
 */
export function packageVsixReport({ quiet = false } = {}) {
  fs.rmSync(vsixStage, { recursive: true, force: true });
  fs.mkdirSync(vsixStage, { recursive: true });
  fs.writeFileSync(path.join(vsixStage, 'package.json'), JSON.stringify(vsixManifest(), null, 2) + '\n');
  for (const f of VSIX_STATIC) fs.cpSync(path.join(root, f), path.join(vsixStage, f), { recursive: true });
  build(vsixStage, quiet);
  fs.mkdirSync(path.dirname(vsixPath), { recursive: true });
  fs.rmSync(vsixPath, { force: true });
  // --no-dependencies: everything the extension needs is inside the bundles.
  const log = run(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsixPath], vsixStage, quiet);
  return { path: vsixPath, log, stage: vsixStage };
}

/** The .vsix's path, after packageVsixReport. */
export const packageVsix = (opts = {}) => packageVsixReport(opts).path;

/** The bundles the npm package ships: those of package.json's `files`. */
const npmBundles = () => pkg.files.filter((f) => f.startsWith('dist/') && f.endsWith('.js')).map((f) => path.basename(f, '.js'));

/**
 * Builds the npm package's bundles for production and packs them with package.json, README, LICENSE and
 * CHANGELOG (npm applies `files`). Returns the tarball's path and npm's report of its contents. Tests pass
 * their own `stage` and `dest` folders, so that several can pack at once.
 */
export function packageNpm({ quiet = false, stage = npmStage, dest = path.dirname(tarballPath) } = {}) {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) fs.copyFileSync(path.join(root, f), path.join(stage, f));
  build(stage, quiet, npmBundles());
  const tarball = path.join(dest, path.basename(tarballPath));
  fs.mkdirSync(dest, { recursive: true });
  fs.rmSync(tarball, { force: true });
  // --ignore-scripts: prepack would build again (into the repo's dist/); the stage was just built the same way.
  const json = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], stage, true);
  const [report] = JSON.parse(json.slice(json.indexOf('[')));
  if (path.join(dest, report.filename) !== tarball) throw new Error(`npm pack wrote ${report.filename}, not ${path.basename(tarball)}`);
  return { path: tarball, files: report.files.map((f) => f.path).sort(), size: report.size, unpackedSize: report.unpackedSize };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let vsix, npm;
  try {
    vsix = packageVsixReport();
    npm = packageNpm();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`${path.relative(root, vsix.path)}: ${kib(fs.statSync(vsix.path).size)} (VS Code: code --install-extension ${path.relative(root, vsix.path)})`);
  console.log(`${path.relative(root, npm.path)}: ${kib(npm.size)}, ${kib(npm.unpackedSize)} unpacked, ${npm.files.length} files (npm install -g ${path.relative(root, npm.path)})`);
}
