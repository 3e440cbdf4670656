// Shared ending of the CLIs: a user mistake prints one line and exits 1 (or its UserError's code); anything else is an
// internal error, printed with its stack only when GANSPEC_DEBUG is set. A reader of stdout that
// goes away (`| head`, a killed parent) does not end the command: it goes on without stdout.
import { UserError } from '../runtime/errors';

/** What writing to a stdout whose reader has gone raises: first EPIPE, then on every later write. */
const READER_GONE = new Set(['EPIPE', 'ERR_STREAM_DESTROYED']);

export function runMain(name: string, main: () => Promise<void>): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (!READER_GONE.has(err.code ?? '')) throw err;
  });
  main().catch((err: unknown) => {
    if (err instanceof UserError) console.error(`${name}: ${err.message}`);
    else if (process.env.GANSPEC_DEBUG) console.error(err);
    else console.error(`${name}: internal error: ${err instanceof Error ? err.message : String(err)} (set GANSPEC_DEBUG=1 for details)`);
    process.exitCode = err instanceof UserError ? err.exitCode : 1;
  });
}
