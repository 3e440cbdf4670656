// What a report says about a run beyond its curves: its training sessions (from events.jsonl),
// wall time and ms per step, how far it got (or where a Ctrl-C or SIGTERM stopped it), the
// steps-to-epochs factor, the settings it trained with, and its warnings: a stop on a non-finite
// loss, each resume and the settings a resume changed, unreadable lines. Imports runtime/ (the events' types) and report/.
import type { RunEvent, TrainSettings } from '../runtime/loop/events';
import type { RunFiles } from './run-files';
import { diffJson, formatDifference } from './spec-diff';

type StartEvent = Extract<RunEvent, { event: 'start' }>;

export interface Session {
  start: StartEvent;
  /** The last step this session reached (checkpoint, end or NaN stop). */
  step: number;
  /** Seconds of training and steps trained, as of its last checkpoint or end. */
  seconds: number;
  steps: number;
  ended: boolean;
  nan?: { step: number; phase: string; value: string };
  /** Why the session was asked to stop before its last step (a signal's name), when it was. */
  stopped?: string;
}

export interface RunSummary {
  /** The last step in losses.jsonl (0 when none). */
  step: number;
  /** The steps asked for (run.json, else the last session's). */
  steps?: number;
  batch?: number;
  /** Epochs per step (batch / training examples), when the run's events say how many examples. */
  epochsPerStep?: number;
  sessions: Session[];
  wallSeconds: number;
  msPerStep?: number;
  status: string;
  /** The settings of the last session. */
  settings?: TrainSettings;
  finalLosses: Record<string, number>;
  warnings: string[];
}

export function sessionsOf(events: readonly RunEvent[]): Session[] {
  const sessions: Session[] = [];
  for (const e of events) {
    if (e.event === 'start') {
      sessions.push({ start: e, step: e.step, seconds: 0, steps: 0, ended: false });
      continue;
    }
    const s = sessions[sessions.length - 1];
    if (!s) continue;
    s.step = Math.max(s.step, e.step);
    if (e.event === 'nan') s.nan = { step: e.step, phase: e.phase, value: e.value };
    else {
      s.seconds = e.seconds;
      s.steps = e.steps;
      if (e.event === 'end') s.ended = true;
      if (e.event === 'stopped') s.stopped = e.reason;
    }
  }
  return sessions;
}

/** Settings compared between sessions: all but `steps` (asking for more steps is how a run continues). */
function comparable(s: TrainSettings | undefined): unknown {
  if (s === undefined) return undefined;
  const { steps: _steps, ...rest } = s;
  return rest;
}

function warningsOf(run: RunFiles, sessions: readonly Session[]): string[] {
  const warnings: string[] = [];
  sessions.forEach((s, i) => {
    if (s.start.resumed) {
      const before = sessions[i - 1]?.start.settings;
      const changes = before ? diffJson(comparable(before), comparable(s.start.settings)) : [];
      warnings.push(
        changes.length === 0
          ? `resumed at step ${s.start.step}`
          : `resumed at step ${s.start.step} with changed settings: ${changes.map(formatDifference).join('; ')}`,
      );
    }
    if (s.nan) warnings.push(`stopped at step ${s.nan.step}: phase ${s.nan.phase} gave a ${s.nan.value} loss (the steps after the last checkpoint were not kept)`);
  });
  return [...warnings, ...run.problems];
}

function statusOf(step: number, steps: number | undefined, last: Session | undefined): string {
  if (last?.nan) return `stopped at step ${last.nan.step} (${last.nan.value} loss)`;
  if (last?.ended && (steps === undefined || step >= steps)) return 'done';
  if (last?.stopped) return `stopped by ${last.stopped} at step ${step}${steps === undefined ? '' : ` of ${steps}`}`;
  return steps === undefined ? `at step ${step}` : `at step ${step} of ${steps} (running, or interrupted)`;
}

export function summarize(run: RunFiles): RunSummary {
  const sessions = sessionsOf(run.events);
  const last = sessions[sessions.length - 1];
  const step = run.losses.length > 0 ? run.losses[run.losses.length - 1].step : 0;
  const steps = run.info.steps ?? last?.start.settings.steps;
  const batch = last?.start.settings.batch ?? run.info.batch;
  const dataSize = last?.start.dataSize;
  const wallSeconds = sessions.reduce((t, s) => t + s.seconds, 0);
  const trained = sessions.reduce((t, s) => t + s.steps, 0);
  return {
    step,
    steps,
    batch,
    epochsPerStep: batch !== undefined && dataSize ? batch / dataSize : undefined,
    sessions,
    wallSeconds,
    msPerStep: trained > 0 ? (wallSeconds * 1000) / trained : undefined,
    status: statusOf(step, steps, last),
    settings: last?.start.settings,
    finalLosses: run.losses.length > 0 ? run.losses[run.losses.length - 1].values : {},
    warnings: warningsOf(run, sessions),
  };
}
