// Shared ending of the CLIs: a user mistake prints one line and exits 1; anything else is an
// internal error, printed with its stack only when GANSPEC_DEBUG is set.
import { UserError } from '../runtime/errors';

export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof UserError) console.error(`${name}: ${err.message}`);
    else if (process.env.GANSPEC_DEBUG) console.error(err);
    else console.error(`${name}: internal error: ${err instanceof Error ? err.message : String(err)} (set GANSPEC_DEBUG=1 for details)`);
    process.exitCode = 1;
  });
}
