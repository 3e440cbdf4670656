// The progress line (step, each phase's loss, steps/s, ETA) and the losses log: one JSON object
// per step in losses.jsonl (runtime/loop/jsonl.ts), trimmed back to the checkpoint on resume.
import { appendRecord, trimRecords } from './jsonl';

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

  /** Keeps only the records up to `step` (a resumed run recomputes what came after); says what it dropped. */
  trimAfter(step: number): Promise<string | undefined> {
    return trimRecords(this.file, step);
  }

  append(record: { step: number; [k: string]: number }): void {
    appendRecord(this.file, record);
  }
}
