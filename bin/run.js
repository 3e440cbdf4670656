// The one start of every command: loads TypeScript through tsx (no build step), then runs the
// command's main (cli/<command>.ts) under cli/main.ts's runMain (one-line errors, exit codes).
import { register } from 'tsx/esm/api';

export async function run(name, file) {
  register();
  const { runMain } = await import('../cli/main.ts');
  const { main } = await import(`../cli/${file}.ts`);
  runMain(name, main);
}
