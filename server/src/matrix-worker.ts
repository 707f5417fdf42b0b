// Entry point of dist/matrix-worker.js: the language server's config-matrix thread. It analyses one context
// under each run of the engine's matrix plan and posts each run back as plain data; a shared generation
// counter, checked before every combination, cancels a job that a newer edit has made stale.

import { parentPort, workerData } from 'node:worker_threads';
import { DiskHost, OverlayHost } from './engine';
import { PreprocessCache } from './engine';
import { extractRun, failedRun } from './matrix';
import type { MatrixJob, WorkerMessage } from './matrix-runner';
import { collectGarbage } from './memory';
import { computeAnalysis, diskChanged } from './session';

const flag = (workerData as { flag: Int32Array }).flag;
const cache = new PreprocessCache();
const disk = new DiskHost();
const host = new OverlayHost(disk);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

parentPort!.on('message', (job: MatrixJob) => {
  // Whatever changed on disk since the last job (a .config, a header) is read again.
  diskChanged(disk);
  host.overlay.clear();
  for (const [p, t] of job.overlays) host.overlay.set(p, t);
  for (const run of job.plan) {
    if (Atomics.load(flag, 0) !== job.gen) {
      post({ type: 'cancelled', id: job.id });
      return;
    }
    const t0 = performance.now();
    try {
      post({ type: 'run', id: job.id, run: extractRun(computeAnalysis(job.ctx, host, cache, run), run.label) });
    } catch (e) {
      post({ type: 'run', id: job.id, run: failedRun(run.label, e, performance.now() - t0) });
    }
    // Only the plain data crossed over: the analysis is garbage now; collect it before the next one.
    collectGarbage();
  }
  post({ type: 'done', id: job.id });
});
