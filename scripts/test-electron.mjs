// `npm run test:electron`: the extension in a desktop VS Code that @vscode/test-electron downloads (needs
// internet access to VS Code's download site; this project's CI has none and runs test/e2e on code-server).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
for (const args of [[path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], [path.join(root, 'scripts/build.mjs')]]) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-electron-'));
const ws = path.join(tmp, 'examples');
fs.cpSync(path.join(root, 'examples'), ws, { recursive: true });
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/electron/index.js'),
    extensionTestsEnv: { MEMDESC_LAYOUT_REPORT: path.join(tmp, 'layout-report.json') },
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'user-data')],
  });
  console.log('1 passed, 0 failed');
} catch (e) {
  console.error(`the VS Code (electron) run failed: ${e instanceof Error ? e.message : String(e)}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
