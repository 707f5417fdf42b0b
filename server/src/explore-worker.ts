// Entry point of dist/explore-worker.js: the language server's every-configuration thread (memdesc.allConfigs). It
// explores one tree for each arch of a job (engine/kernel/explore.ts) with the editor's unsaved buffers over the
// disk, posts progress and each arch's plain-data result, and the paths it read. A shared generation counter, checked
// between analyses, cancels a job that a newer edit has made stale. It reads Kconfig files, headers and .configs and
// runs nothing: toolchain probes take their values from the user's .config or are left free.

import { parentPort, workerData } from 'node:worker_threads';
import { DiskHost, DiskKconfigHost, exploreArch, OverlayHost, PreprocessCache } from './engine';
import type { FileHost } from './engine';
import type { ArchRun } from './explore';
import type { ExploreJob, ExploreWorkerMessage } from './explore-runner';
import { collectGarbage } from './memory';
import { diskChanged } from './session';

const flag = (workerData as { flag: Int32Array }).flag;
const disk = new DiskHost();
const overlay = new OverlayHost(disk);
const post = (m: ExploreWorkerMessage) => parentPort!.postMessage(m);

/** The files a search looked at (read, or looked for): an edit of any other file cannot change its results. */
class RecordingHost implements FileHost {
  readonly seen = new Set<string>();

  constructor(private readonly base: FileHost) {}

  readFile(p: string): string | undefined {
    this.seen.add(p);
    return this.base.readFile(p);
  }

  fileExists(p: string): boolean {
    this.seen.add(p);
    return this.base.fileExists(p);
  }
}

/** Lexed files of the last tree and arch explored (another arch's headers are other files: a fresh cache each). */
let cached: { key: string; cache: PreprocessCache } | undefined;

parentPort!.on('message', (job: ExploreJob) => {
  diskChanged(disk);
  overlay.overlay.clear();
  for (const [p, t] of job.overlays) overlay.overlay.set(p, t);
  const host = new RecordingHost(overlay);
  const cancelled = () => Atomics.load(flag, 0) !== job.gen;
  for (let index = 0; index < job.arches.length; index++) {
    const arch = job.arches[index];
    if (cancelled()) {
      post({ type: 'cancelled', id: job.id });
      return;
    }
    const key = `${job.root}|${arch}`;
    if (cached?.key !== key) {
      cached = undefined;
      collectGarbage();
      cached = { key, cache: new PreprocessCache() };
    }
    const t0 = performance.now();
    let run: ArchRun;
    try {
      const result = exploreArch({
        root: job.root,
        abi: arch,
        kconfigHost: new DiskKconfigHost(),
        host,
        cache: cached.cache,
        configs: job.configs[arch],
        budgetMs: job.budgetMs,
        files: job.files,
        cancelled,
        onProgress: (message, done, total) => post({ type: 'progress', id: job.id, arch, index, message, done, total }),
      });
      run = { arch, result, ms: performance.now() - t0 };
      if (!result.defconfig) run.failure = `no ${arch} defconfig in the tree (or its Kconfig could not be read)`;
    } catch (e) {
      run = { arch, failure: `the search failed: ${e instanceof Error ? e.message : String(e)}`, ms: performance.now() - t0 };
    }
    if (cancelled()) {
      post({ type: 'cancelled', id: job.id });
      return;
    }
    post({ type: 'arch', id: job.id, run });
    collectGarbage();
  }
  post({ type: 'done', id: job.id, read: [...host.seen] });
});
