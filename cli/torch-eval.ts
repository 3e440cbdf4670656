// gan-train --target torch --eval-every N: gan-train's side of the evaluation handshake
// (runtime-torch/ganspec_torch/eval_requests.py). The Python loop, training stopped, snapshots
// its networks into the evaluation folder and writes request.json (step, training seconds,
// snapshot); this scores the snapshot as gan-eval scores a checkpoint (the TypeScript module's
// networks loaded from the tfjs-format weights, EMA copies where the trainer has them), appends
// the record to <run>/metrics.jsonl exactly as gan-train's own --eval-every does, and writes
// done-STEP.json (with the error, if the evaluation failed), which lets Python go on.
// Imports runtime/, eval/ and contract/ (types).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyTrainer } from '../contract/trainer';
import { appendRecord, ensureProvenance } from '../runtime/loop/jsonl';
import { loadCheckpoint } from '../runtime/checkpoint';
import { samplingNetworks } from '../runtime/loop/ema';
import { buildNetworks } from '../runtime/loop/train';
import { installSeededRandom } from '../runtime/rng';
import type { Provenance } from '../runtime/provenance';
import { evaluateRun, loadEvaluator, metricsSummary, type Evaluator, type MetricsRecord } from '../eval';

export const REQUEST_FILE = 'request.json';

export interface TorchEvalOptions {
  trainer: AnyTrainer;
  runDir: string;
  dataDir: string;
  /** Samples per band (gan-train --eval-n). */
  n: number;
  seed: number;
  provenance: Provenance;
  log: (line: string) => void;
}

/** Answers the Python loop's evaluation requests in `folder` until stopped; `stop` waits for a running evaluation. */
export function serveTorchEvals(folder: string, opts: TorchEvalOptions): { stop: () => Promise<void> } {
  let evaluator: Evaluator | undefined;
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const answer = async () => {
    const file = join(folder, REQUEST_FILE);
    if (!existsSync(file)) return;
    const request = JSON.parse(readFileSync(file, 'utf8')) as { step: number; trainSeconds: number; checkpoint: string };
    rmSync(file);
    let reply: object = { ok: true };
    try {
      evaluator ??= await loadEvaluator();
      installSeededRandom(opts.seed);
      const nets = buildNetworks(opts.trainer);
      try {
        await loadCheckpoint(request.checkpoint, nets);
        const metrics = await evaluateRun(opts.trainer, samplingNetworks(opts.trainer, nets, 'ema').nets, { n: opts.n, dataDir: opts.dataDir, evaluator, step: request.step });
        opts.log(metricsSummary(metrics));
        ensureProvenance(join(opts.runDir, 'metrics.jsonl'), opts.provenance);
        const record: MetricsRecord = { ...metrics, step: request.step, trainSeconds: request.trainSeconds };
        appendRecord(join(opts.runDir, 'metrics.jsonl'), record);
      } finally {
        for (const net of Object.values(nets)) net.dispose();
      }
    } catch (err) {
      reply = { error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
    }
    const done = join(folder, `done-${request.step}.json`);
    writeFileSync(`${done}.tmp`, JSON.stringify(reply));
    renameSync(`${done}.tmp`, done);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = answer().finally(() => {
      busy = false;
    });
  }, 100);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
