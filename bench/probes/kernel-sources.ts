// Probe: where a training step's kernel calls come from. Runs one warm-up step of a trainer
// module, then counts the kernel calls (engine.runKernel) of one more step by kernel and by part
// of the step (forward, backward: inside tfjs's tape, optimizer: inside an optimizer's update),
// and for the kernels named after the module, the call sites (the first stack frames outside
// tfjs-core's engine). This is how the Identity calls of a DCGAN step were traced to the engine's
// clones of the tensors saved for the backward pass (runtime/backend/identity.ts), and the
// Multiply and Add calls to tfjs's optimizers (runtime/loop/fused-optimizers.ts).
//
//   node --import tsx bench/probes/kernel-sources.ts generated/dcgan.ts [wasm|cpu] [batch] [Identity,Cast]
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { AnyTrainer } from '../../contract/trainer';
import { selectBackend } from '../../runtime/backend/select';
import { loadData } from '../../runtime/data';
import { installSeededRandom } from '../../runtime/rng';
import { runStep, trainerContender } from '../measure';

const [modulePath, backend = 'wasm', batchArg, traced = ''] = process.argv.slice(2);
if (modulePath === undefined) throw new Error('usage: kernel-sources.ts MODULE.ts [backend] [batch] [Kernel,...]');
console.log(await selectBackend(backend));
installSeededRandom(0);
const trainer = (await import(pathToFileURL(path.resolve(modulePath)).href) as { trainer: AnyTrainer }).trainer;
const data = await loadData(trainer.data, process.cwd());
const contender = trainerContender(trainer, data, Number(batchArg ?? trainer.hyperparameters.batch));
await runStep(contender); // optimizers make their state in the first step

const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
const runKernel = engine.runKernel.bind(engine);
const byKernel = new Map<string, number>();
const sites = new Map<string, number>();
const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const tracedNames = new Set(traced.split(',').filter((s) => s !== ''));
Error.stackTraceLimit = 40;
engine.runKernel = (name, ...rest) => {
  const stack = new Error().stack ?? '';
  const part = /_optimizer|fused-optimizers/.test(stack) ? 'optimizer' : /backpropagateGradients/.test(stack) ? 'backward' : 'forward';
  add(byKernel, `${name}\t${part}`);
  if (tracedNames.has(name)) {
    const frames = stack.split('\n').slice(2).map((l) => l.trim().replace(/^at /, ''))
      .filter((l) => !/tfjs-core\/(dist|src)\/(engine|ops\/operation)/.test(l)).slice(0, 3);
    add(sites, `${name}: ${frames.join(' < ')}`);
  }
  return runKernel(name, ...rest);
};
await runStep(contender);
engine.runKernel = runKernel;

const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
console.log(`${contender.label}, batch ${contender.batch}: ${total} kernel calls in one step`);
console.log('calls\tkernel\tpart');
for (const [k, n] of [...byKernel].sort((a, b) => b[1] - a[1])) console.log(`${n}\t${k}`);
if (sites.size > 0) {
  console.log('\ncalls\tcall site');
  for (const [k, n] of [...sites].sort((a, b) => b[1] - a[1])) console.log(`${n}\t${k}`);
}
contender.dispose();
