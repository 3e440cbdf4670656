// Times training steps. A contender is anything made of phases that each run one update (the
// generated trainer through the runtime's own `updateOnce`, or a hand-written baseline); one
// step is one schedule cycle: every phase, `repeat` times. Several contenders are timed
// interleaved, step by step in alternating order, so that a change in the machine's load (it is
// shared) falls on all of them alike.
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../contract/data';
import { phaseRunners, updateOnce } from '../runtime/loop/phase';
import { buildNetworks } from '../runtime/loop/train';
import type { AnyTrainer } from '../contract/trainer';

export interface ContenderPhase {
  name: string;
  repeat: number;
  /** One update; returns (or resolves) when its work is done (reads its loss back). */
  run: () => unknown;
}

export interface Contender {
  /** The row's name: the spec's name, or `baseline:<variant>`. */
  label: string;
  batch: number;
  phases: ContenderPhase[];
  dispose: () => void;
}

export interface PhaseTiming {
  repeat: number;
  /** Median over timed steps of the phase's time in one step (its repeats summed). */
  ms: number;
  /** That divided by repeat. */
  ms_per_update: number;
}

export interface Timing {
  label: string;
  batch: number;
  /** Every timed step's ms (wall), in order. */
  steps_ms: number[];
  /** Every timed step's CPU time of this process (user + system), in order. */
  steps_cpu_ms: number[];
  ms_per_step: number;
  /** Median CPU ms per step: on a loaded machine, less disturbed than wall time for a
   *  single-threaded backend (wasm, cpu), since waiting for a core is not counted. */
  cpu_ms_per_step: number;
  ms_min: number;
  ms_max: number;
  samples_per_s: number;
  phases: Record<string, PhaseTiming>;
  /** Tensors alive after the last step minus after the first (optimizer state is made then). */
  tensors_leaked: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The generated trainer as a contender: its networks, its phases' optimizers, updateOnce. */
export function trainerContender(trainer: AnyTrainer, data: DataSource, batch: number): Contender {
  const nets = buildNetworks(trainer);
  const runners = phaseRunners(trainer, nets);
  return {
    label: trainer.name,
    batch,
    phases: runners.map((r) => ({
      name: r.phase.name,
      repeat: r.phase.settings.repeat,
      run: () => updateOnce(trainer, r, nets, data, batch),
    })),
    dispose: () => {
      for (const o of new Set(runners.map((r) => r.optimizer))) o.dispose(); // a shared one once
      for (const m of Object.values(nets)) m.dispose();
    },
  };
}

/** One step of a contender: each phase `repeat` times; adds each phase's ms into `into`. */
export async function runStep(c: Contender, into?: Record<string, number>): Promise<number> {
  const began = performance.now();
  for (const p of c.phases) {
    const t0 = performance.now();
    for (let r = 0; r < p.repeat; r++) await p.run();
    if (into) into[p.name] = (into[p.name] ?? 0) + performance.now() - t0;
  }
  return performance.now() - began;
}

/**
 * `warmup` untimed steps of each contender, then `steps` timed ones, interleaved: step i runs
 * the contenders in order when i is even and in reverse when odd.
 */
export async function timeContenders(contenders: Contender[], warmup: number, steps: number): Promise<Timing[]> {
  const stepsMs = contenders.map(() => [] as number[]);
  const stepsCpu = contenders.map(() => [] as number[]);
  const phaseMs = contenders.map((c) => Object.fromEntries(c.phases.map((p) => [p.name, [] as number[]])));
  const afterFirst: (number | undefined)[] = contenders.map(() => undefined);
  const leaked = contenders.map(() => 0);
  for (let i = 0; i < warmup + steps; i++) {
    const order = contenders.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      const c = contenders[k];
      const before = tf.memory().numTensors;
      const phases: Record<string, number> = {};
      const cpu0 = process.cpuUsage();
      const ms = await runStep(c, phases);
      const cpu = process.cpuUsage(cpu0);
      const after = tf.memory().numTensors;
      // Growth is counted from the end of the first step: optimizers create their state then.
      if (afterFirst[k] === undefined) afterFirst[k] = after;
      else leaked[k] += after - before;
      if (i < warmup) continue;
      stepsMs[k].push(ms);
      stepsCpu[k].push((cpu.user + cpu.system) / 1000);
      for (const [name, t] of Object.entries(phases)) phaseMs[k][name].push(t);
    }
  }
  return contenders.map((c, k) => {
    const ms = median(stepsMs[k]);
    return {
      label: c.label,
      batch: c.batch,
      steps_ms: stepsMs[k],
      steps_cpu_ms: stepsCpu[k],
      ms_per_step: ms,
      cpu_ms_per_step: median(stepsCpu[k]),
      ms_min: Math.min(...stepsMs[k]),
      ms_max: Math.max(...stepsMs[k]),
      samples_per_s: (c.batch * 1000) / ms,
      phases: Object.fromEntries(
        c.phases.map((p) => {
          const pm = median(phaseMs[k][p.name]);
          return [p.name, { repeat: p.repeat, ms: pm, ms_per_update: pm / p.repeat }];
        }),
      ),
      tensors_leaked: leaked[k],
    };
  });
}
