// The one start of every command: loads TypeScript through tsx (no build step), then runs the
// command's main (cli/<command>.ts) under cli/main.ts's runMain (one-line errors, exit codes).
// tsx turns Node's source maps on, for stack traces in TypeScript lines; stacks are printed only
// with GANSPEC_DEBUG set (cli/main.ts), so without it they stay off: with them on, Node reads and
// parses the source map of every module it loads, 17 MB of JSON for TensorFlow.js's bundles,
// which took 0.3 s of every start.
import { register } from 'tsx/esm/api';

export async function run(name, file) {
  register();
  if (!process.env.GANSPEC_DEBUG) process.setSourceMapsEnabled(false);
  const { runMain } = await import('../cli/main.ts');
  const { main } = await import(`../cli/${file}.ts`);
  runMain(name, main);
}
