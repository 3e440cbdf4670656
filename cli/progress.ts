// Progress of long work (feature extraction, writing samples, building a report) on stderr, so
// that stdout keeps only results (and --json stays parseable): "features of samples 2500/10000".
// On a terminal one line is rewritten in place; elsewhere a line at most every `everyMs`, and
// always the first and the last of each task. `--quiet` gives a meter that prints nothing.
export type ProgressMeter = (what: string, done: number, total: number) => void;

export interface MeterOptions {
  quiet?: boolean;
  stream?: { write(s: string): unknown; isTTY?: boolean };
  everyMs?: number;
  now?: () => number;
}

export function progressMeter(opts: MeterOptions = {}): ProgressMeter {
  if (opts.quiet) return () => {};
  const stream = opts.stream ?? process.stderr;
  const everyMs = opts.everyMs ?? 1000;
  const now = opts.now ?? (() => Date.now());
  const tty = stream.isTTY === true;
  let task = '';
  let last = -Infinity;
  return (what, done, total) => {
    const first = what !== task;
    const final = done >= total;
    if (!first && !final && now() - last < everyMs) return;
    if (first && tty && task !== '') stream.write('\n');
    task = what;
    last = now();
    const line = `${what} ${done}/${total}`;
    stream.write(tty ? `\r\x1b[K${line}${final ? '\n' : ''}` : `${line}\n`);
    if (final) task = '';
  };
}
