// The progress line (step, each phase's loss, steps/s, ETA) and the losses log: one JSON object
// per step in losses.jsonl, trimmed back to the checkpoint on resume.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressLine(step: number, steps: number, losses: Record<string, number>, stepsPerSecond: number): string {
  const parts = Object.entries(losses).map(([k, v]) => `${k} ${v.toFixed(4)}`);
  const eta = formatDuration((steps - step) / stepsPerSecond);
  return `step ${step}/${steps}  ${parts.join('  ')}  ${stepsPerSecond.toFixed(2)} steps/s  ETA ${eta}`;
}

export class LossLog {
  constructor(private readonly file: string) {}

  /** Keeps only the records up to `step` (a resumed run rewrites what came after). */
  truncateAfter(step: number): void {
    if (!existsSync(this.file)) return;
    const kept = readFileSync(this.file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '' && (JSON.parse(line) as { step: number }).step <= step);
    writeFileSync(this.file, kept.map((l) => l + '\n').join(''));
  }

  append(record: { step: number; [k: string]: number }): void {
    appendFileSync(this.file, JSON.stringify(record) + '\n');
  }
}
