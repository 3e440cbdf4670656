// A run's event log, events.jsonl: one JSON object per line for what losses.jsonl cannot say:
// each training session's start (fresh or resumed; the command line, ganspec version, backend and
// the settings it trained with), each checkpoint (wall time so far), a stop on a non-finite loss,
// a stop asked for (a Ctrl-C), and the end. Appended, never truncated: a resume keeps the
// history. gan-report reads it.
// Imports only Node and contract/ (no tfjs: gan-report reads these files without loading it).
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AnyTrainer } from '../../contract/trainer';
import { GANSPEC_VERSION } from '../provenance';

export const EVENTS_FILE = 'events.jsonl';

/** What a session trained with: compared between sessions to report settings changed on resume. */
export interface TrainSettings {
  batch: number;
  steps: number;
  seed: number;
  data: AnyTrainer['data'];
  samples: AnyTrainer['samples'];
  phases: { name: string; updates: AnyTrainer['phases'][number]['updates']; settings: AnyTrainer['phases'][number]['settings'] }[];
  preview: AnyTrainer['preview'];
  checkpoint: AnyTrainer['checkpoint'];
}

export type RunEvent =
  | {
      event: 'start';
      time: string;
      /** The step the session starts from (0, or the checkpoint it resumed). */
      step: number;
      resumed: boolean;
      /** The command line, program name first (e.g. ["gan-train", "specs/gan.yaml", "--steps", "100"]). */
      command: string[];
      version: string;
      backend: string;
      /** Examples in the training data (an epoch is dataSize / batch steps); null when endless (drawn, as the ring's). */
      dataSize: number | null;
      settings: TrainSettings;
    }
  | { event: 'checkpoint'; time: string; step: number; /** Seconds since the session's first step began. */ seconds: number; /** Steps this session has trained. */ steps: number }
  | { event: 'nan'; time: string; step: number; phase: string; value: string }
  | { event: 'end'; time: string; step: number; seconds: number; steps: number }
  /** Asked to stop (gan-train: a SIGINT or SIGTERM), after the step's checkpoint. */
  | { event: 'stopped'; time: string; step: number; seconds: number; steps: number; reason: string };

// Distributive Omit, so each member of the union keeps its own fields.
type WithoutTime<E> = E extends unknown ? Omit<E, 'time'> : never;


export function trainSettings(trainer: AnyTrainer, batch: number, steps: number, seed: number): TrainSettings {
  return {
    batch,
    steps,
    seed,
    data: trainer.data,
    samples: trainer.samples,
    phases: trainer.phases.map((p) => ({ name: p.name, updates: p.updates, settings: p.settings })),
    preview: trainer.preview,
    checkpoint: trainer.checkpoint,
  };
}

/** The command line of this process, with the program's name (bin/gan-train.js -> gan-train). */
export function commandLine(argv: readonly string[] = process.argv): string[] {
  return [basename(argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, ''), ...argv.slice(2)];
}

export function startEvent(fields: Omit<Extract<RunEvent, { event: 'start' }>, 'event' | 'time' | 'command' | 'version'>): WithoutTime<RunEvent> {
  return { event: 'start', command: commandLine(), version: GANSPEC_VERSION, ...fields };
}

/** Appends one event with the current time. */
export function appendEvent(runDir: string, event: WithoutTime<RunEvent>): void {
  appendFileSync(join(runDir, EVENTS_FILE), JSON.stringify({ ...event, time: new Date().toISOString() }) + '\n');
}

/** The size of the run's events.jsonl in bytes (0: none yet), for lastEvent's `since`. */
export function eventsSize(runDir: string): number {
  return statSync(join(runDir, EVENTS_FILE), { throwIfNoEntry: false })?.size ?? 0;
}

/** The run's last event, when its last line reads as one and was written after the file's first
 *  `since` bytes (eventsSize before a session: that session's last event). */
export function lastEvent(runDir: string, since = 0): RunEvent | undefined {
  const file = join(runDir, EVENTS_FILE);
  if (!existsSync(file)) return undefined;
  try {
    const text = readFileSync(file);
    if (text.length <= since) return undefined;
    return JSON.parse(text.toString('utf8').trimEnd().split('\n').pop()!) as RunEvent;
  } catch {
    return undefined; // a torn line
  }
}
