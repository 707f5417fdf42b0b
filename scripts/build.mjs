// Bundles the CLI, the language server (and its config-matrix worker) and the VS Code extension with esbuild into
// dist/, and the layout diagram's webview script into media/ (the only folder the webview may load from).
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes('--production');
// --out-root DIR: write the bundles under DIR instead of the repo (the .vsix is staged that way, so
// packaging never rewrites the dist/ that running tests use).
const at = process.argv.indexOf('--out-root');
const outRoot = at > 0 ? path.resolve(process.argv[at + 1]) : root;
// --only cli,server,...: just these bundles (by output name), e.g. the npm package's.
const only = process.argv.indexOf('--only');
const wanted = only > 0 ? process.argv[only + 1].split(',') : undefined;
// The node bundles compile their body with V8's code cache (scripts/code-cache-prologue.js): a fresh process
// deserializes what the last one compiled. The marker after the prologue says where the body starts.
const prologue = fs.readFileSync(path.join(root, 'scripts/code-cache-prologue.js'), 'utf8') + '/*memdesc:body*/';
const entries = [
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js', banner: `#!/usr/bin/env node\n${prologue}` },
  { in: 'server/src/server-main.ts', out: 'dist/server.js', banner: prologue },
  { in: 'server/src/matrix-worker.ts', out: 'dist/matrix-worker.js', banner: prologue },
  { in: 'client/src/extension.ts', out: 'dist/extension.js' },
  { in: 'client/webview/main.ts', out: 'media/layout.js', browser: true },
].filter((e) => fs.existsSync(path.join(root, e.in)) && (!wanted || wanted.includes(path.basename(e.out, '.js'))));

await Promise.all(
  entries.map((e) =>
    esbuild.build({
      absWorkingDir: root,
      entryPoints: [e.in],
      outfile: path.join(outRoot, e.out),
      bundle: true,
      platform: e.browser ? 'browser' : 'node',
      target: e.browser ? 'chrome114' : 'node20',
      format: e.browser ? 'iife' : 'cjs',
      external: e.browser ? [] : ['vscode'],
      // The webview's map would be one more file for its CSP to allow; the extension's are not packaged.
      sourcemap: !production && !e.browser,
      minify: production,
      banner: e.banner ? { js: e.banner } : undefined,
      logLevel: 'warning',
    }),
  ),
);
for (const e of entries) if (e.banner) fs.chmodSync(path.join(outRoot, e.out), 0o755);
