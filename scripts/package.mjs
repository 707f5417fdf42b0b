// `npm run package`: production bundles (minified, no source maps) staged in out/vsix/ with the manifest and
// what it points at, then the .vsix by @vscode/vsce (offline; .vscodeignore allows only those files).
// The repo's own dist/ is left alone, so packaging never disturbs tests that run the dev bundles.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
export const vsixPath = path.join(root, 'dist', `${pkg.name}-${pkg.version}.vsix`);
const stage = path.join(root, 'out', 'vsix');
/** Copied as they are; the bundles are built into the stage. */
const STATIC = ['package.json', 'README.md', 'LICENSE', '.vscodeignore', 'language-configuration.json', 'syntaxes', 'media/layout.css', 'media/icon.png'];

function run(args, cwd, quiet) {
  const r = spawnSync(process.execPath, args, { cwd, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(args[0])} ${args.slice(1).join(' ')} failed (exit ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
}

/** Builds for production and packages; returns the .vsix path. Throws with the tools' output on failure. */
export function packageVsix({ quiet = false } = {}) {
  fs.rmSync(stage, { recursive: true, force: true });
  for (const f of STATIC) fs.cpSync(path.join(root, f), path.join(stage, f), { recursive: true });
  run([path.join(root, 'scripts/build.mjs'), '--production', '--out-root', stage], root, quiet);
  fs.mkdirSync(path.dirname(vsixPath), { recursive: true });
  fs.rmSync(vsixPath, { force: true });
  // --no-dependencies: everything the extension needs is inside the bundles.
  run([path.join(root, 'node_modules/@vscode/vsce/vsce'), 'package', '--no-dependencies', '--out', vsixPath], stage, quiet);
  return vsixPath;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    packageVsix();
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
  console.log(`${path.relative(root, vsixPath)}: ${(fs.statSync(vsixPath).size / 1024).toFixed(0)} KiB`);
}
