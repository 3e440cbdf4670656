// The run's JSON-lines logs (losses.jsonl, metrics.jsonl): one record per line, each with its
// `step`. Appends turn a full disk into a one-line error; on resume a log is trimmed back to the
// checkpoint's step, dropping a torn last line (a crash or a full disk during an append), lines
// that are not records, and the records after that step (they are recomputed), and says so.
// A session that trains with a provenance (runtime/provenance.ts) first appends a header record
// `{ "provenance": { specSha256, moduleSha256, ganspec } }` (no `step`) when the file's last
// header differs: the records after a header were made under it. Trimming keeps a header while a
// record follows it. Imports runtime/atomic-write, runtime/file-errors and runtime/provenance.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { writeFileAtomic } from '../atomic-write';
import { fileSystemError } from '../file-errors';
import { isProvenanceRecord, type Provenance } from '../provenance';

/** Appends one record as a line of `file`. */
export function appendRecord(file: string, record: { step: number }): void {
  try {
    appendFileSync(file, JSON.stringify(record) + '\n');
  } catch (err) {
    throw fileSystemError(err, `cannot write ${file}`);
  }
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** The provenance of the last header record of `file` (undefined: none, or no file). */
export function lastProvenance(file: string): Provenance | undefined {
  if (!existsSync(file)) return undefined;
  let last: Provenance | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const value = line.startsWith('{"provenance"') ? parse(line) : undefined;
    if (isProvenanceRecord(value)) last = value.provenance;
  }
  return last;
}

/** Appends a header record for `provenance` unless the file's last header says the same. */
export function ensureProvenance(file: string, provenance: Provenance): void {
  const last = lastProvenance(file);
  if (last && last.specSha256 === provenance.specSha256 && last.moduleSha256 === provenance.moduleSha256 && last.ganspec === provenance.ganspec) return;
  try {
    appendFileSync(file, JSON.stringify({ provenance }) + '\n');
  } catch (err) {
    throw fileSystemError(err, `cannot write ${file}`);
  }
}

function stepOf(line: string): number | undefined {
  try {
    const record = JSON.parse(line) as unknown;
    const step = typeof record === 'object' && record !== null ? (record as { step?: unknown }).step : undefined;
    return typeof step === 'number' && Number.isSafeInteger(step) ? step : undefined;
  } catch {
    return undefined;
  }
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Keeps the records of `file` up to `step` (included) and rewrites it atomically when anything
 * was dropped; returns a line saying what was dropped (undefined when nothing was, or no file).
 */
export async function trimRecords(file: string, step: number): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // A complete file ends with '\n', leaving an empty last piece; anything else is an unfinished
  // line: torn, unless it is a whole record that only lost its newline.
  const last = lines.pop()!;
  let tornBytes = 0;
  if (last !== '' && stepOf(last) === undefined) tornBytes = Buffer.byteLength(last);
  else if (last !== '') lines.push(last);
  const kept: string[] = [];
  let unreadable = 0;
  let later = 0;
  // A header waits for a kept record before it is kept itself.
  let header: string | undefined;
  for (const line of lines) {
    const s = stepOf(line);
    if (s === undefined && isProvenanceRecord(parse(line))) header = line;
    else if (s === undefined) unreadable += line.trim() === '' ? 0 : 1;
    else if (s > step) later++;
    else {
      if (header !== undefined) kept.push(header);
      header = undefined;
      kept.push(line);
    }
  }
  const dropped = [
    ...(tornBytes > 0 ? [`a torn last line (${tornBytes} bytes)`] : []),
    ...(unreadable > 0 ? [count(unreadable, 'unreadable line')] : []),
    ...(later > 0 ? [`${count(later, 'record')} after step ${step}`] : []),
  ];
  const rewritten = kept.map((l) => l + '\n').join('');
  if (rewritten === text) return undefined;
  try {
    await writeFileAtomic(file, rewritten);
  } catch (err) {
    throw fileSystemError(err, `cannot rewrite ${file}`);
  }
  return dropped.length === 0 ? undefined : `${basename(file)}: dropped ${dropped.join(' and ')}`;
}
