// Reads what a run directory holds for a report: run.json, losses.jsonl, metrics.jsonl,
// events.jsonl, baseline.json (gan-eval --baseline) and the sample grids in samples/. A torn or
// unreadable line is skipped and named in `problems`, never fatal: a report of a run in progress
// must always build. The provenance header records of losses.jsonl and metrics.jsonl (no `step`)
// are skipped. Imports runtime/ (errors, the events' types, provenance) and eval/ types.
import { existsSync, openSync, readFileSync, readSync, closeSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Metrics } from '../eval/evaluate';
import { UserError } from '../runtime/errors';
import { EVENTS_FILE, type RunEvent } from '../runtime/loop/events';
import { isProvenanceRecord } from '../runtime/provenance';

/** run.json as gan-train writes it; every field optional, so older or newer runs still read. */
export interface RunJson {
  name?: string;
  module?: string;
  dataDir?: string;
  spec?: string;
  seed?: number;
  batch?: number;
  steps?: number;
  backend?: string;
  /** What gan-train was told besides the spec (the `--set` list among them). */
  overrides?: { set?: string[] };
  /** The spec's values after `extends` and `--set`, as the run compiled them. */
  specValues?: Record<string, unknown>;
}

export interface LossRecord {
  step: number;
  values: Record<string, number>;
}

export interface SampleGrid {
  step: number;
  file: string;
  width: number;
  height: number;
}

export interface RunFiles {
  /** The run directory, absolute. */
  dir: string;
  name: string;
  info: RunJson;
  losses: LossRecord[];
  metrics: Metrics[];
  /** gan-eval --baseline: the untrained networks' and the real images' metrics. */
  baseline: { untrained?: Metrics; real?: Metrics };
  events: RunEvent[];
  samples: SampleGrid[];
  /** What could not be read, one sentence each. */
  problems: string[];
}

export const BASELINE_FILE = 'baseline.json';
const GRID_FILE = /^step-(\d+)\.png$/;

/** Each line of a JSONL file that parses to an object; bad lines go to `problems`. */
function readJsonl(file: string, problems: string[]): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  const out: Record<string, unknown>[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const value = JSON.parse(line) as unknown;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        out.push(value as Record<string, unknown>);
        return;
      }
    } catch {
      // reported below
    }
    problems.push(`${basename(file)} line ${i + 1} is not a JSON object (a torn write?): skipped`);
  });
  return out;
}

function readJson(file: string, problems: string[]): unknown {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    problems.push(`${basename(file)} is not valid JSON: ignored`);
    return undefined;
  }
}

/** Width and height from a PNG's IHDR chunk (bytes 16..23), or null for anything else. */
export function pngSize(file: string): { width: number; height: number } | null {
  const head = Buffer.alloc(24);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, head, 0, 24, 0) < 24) return null;
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x89504e47 || head.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}

function readLosses(file: string, problems: string[]): LossRecord[] {
  const records: LossRecord[] = [];
  for (const r of readJsonl(file, problems)) {
    if (typeof r.step !== 'number') continue;
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'step' && typeof v === 'number') values[k] = v;
    records.push({ step: r.step, values });
  }
  return records.sort((a, b) => a.step - b.step);
}

function readBaseline(file: string, problems: string[]): RunFiles['baseline'] {
  const json = readJson(file, problems) as { results?: { metrics?: Metrics }[] } | undefined;
  const out: RunFiles['baseline'] = {};
  for (const r of json?.results ?? []) {
    const m = r.metrics;
    if (m?.kind === 'real') out.real = m;
    else if (m?.kind === 'generator' && m.step === 0) out.untrained = m;
  }
  return out;
}

function readSamples(dir: string, problems: string[]): SampleGrid[] {
  if (!existsSync(dir)) return [];
  const grids: SampleGrid[] = [];
  for (const name of readdirSync(dir)) {
    const m = GRID_FILE.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    const size = pngSize(file);
    if (size) grids.push({ step: Number(m[1]), file, ...size });
    else problems.push(`samples/${name} is not a PNG: skipped`);
  }
  return grids.sort((a, b) => a.step - b.step);
}

/** Everything a report shows of one run directory. */
export function readRun(dir: string): RunFiles {
  const abs = resolve(dir);
  if (!['run.json', 'losses.jsonl', EVENTS_FILE].some((f) => existsSync(join(abs, f)))) {
    throw new UserError(`${dir} is not a run directory (no run.json, losses.jsonl or ${EVENTS_FILE})`);
  }
  const problems: string[] = [];
  const info = (readJson(join(abs, 'run.json'), problems) ?? {}) as RunJson;
  return {
    dir: abs,
    name: info.name ?? basename(abs),
    info,
    losses: readLosses(join(abs, 'losses.jsonl'), problems),
    metrics: readJsonl(join(abs, 'metrics.jsonl'), problems).filter((r) => !isProvenanceRecord(r)) as unknown as Metrics[],
    baseline: readBaseline(join(abs, BASELINE_FILE), problems),
    events: readJsonl(join(abs, EVENTS_FILE), problems).filter((e) => typeof e.event === 'string') as unknown as RunEvent[],
    samples: readSamples(join(abs, 'samples'), problems),
    problems,
  };
}
