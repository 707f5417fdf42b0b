// Bundles the CLI, the language server (and its config-matrix worker) and the VS Code extension with esbuild into dist/.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const production = process.argv.includes('--production');
const entries = [
  { in: 'server/src/cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'server/src/server-main.ts', out: 'dist/server.js' },
  { in: 'server/src/matrix-worker.ts', out: 'dist/matrix-worker.js' },
  { in: 'client/src/extension.ts', out: 'dist/extension.js' },
].filter((e) => fs.existsSync(path.join(root, e.in)));

await Promise.all(
  entries.map((e) =>
    esbuild.build({
      absWorkingDir: root,
      entryPoints: [e.in],
      outfile: e.out,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode'],
      sourcemap: !production,
      minify: production,
      banner: e.banner ? { js: e.banner } : undefined,
      logLevel: 'warning',
    }),
  ),
);
for (const e of entries) if (e.banner) fs.chmodSync(path.join(root, e.out), 0o755);
