// The exclusive lock of a run directory: one gan-train at a time writes into a run. The lock is a
// file created with O_EXCL holding {pid, hostname, started}, and the pid of the process that trains
// for it where that is another (the PyTorch trainer: `trainer`); a second process is refused with
// the holder's pid. A lock left by a process of this host that is no longer running (killed, power
// loss), nor its trainer, is taken over with a note. The holder releases it on release(), on
// exit, and on SIGINT/SIGTERM (then exits 130/143), unless the first such signal is deferred to a
// handler that stops the training between two steps (deferSignals). Imports runtime/errors,
// runtime/file-errors and runtime/atomic-write only.
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from './errors';
import { fileSystemError } from './file-errors';
import { tempSibling } from './atomic-write';

export const LOCK_FILE = '.gan-train.lock';

/** The exit code a process ended by each signal has (128 + its number). */
export const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** A lock file that has stayed empty this long belongs to a process that died while creating it. */
const EMPTY_LOCK_GRACE_MS = 10_000;

interface LockInfo {
  pid: number;
  hostname: string;
  started: string;
  /** The process training for it (gan-train --target torch's Python), which writes the run too. */
  trainer?: number;
}

export interface RunLock {
  readonly file: string;
  /** Removes the lock (when it is still this process's) and the exit and signal handlers. */
  release(): void;
  /** From now on, the first SIGINT or SIGTERM calls `onSignal` (which asks the training to stop
   *  after its step) instead of exiting; a second one exits as always. */
  deferSignals(onSignal: (signal: NodeJS.Signals) => void): void;
  /** Names `pid` in the lock as the process that trains for this one: the lock is held while either runs. */
  shareWith(pid: number): void;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileSystemError(err, `cannot read the lock ${file}`);
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const info = JSON.parse(text) as Partial<LockInfo>;
    const valid = Number.isSafeInteger(info.pid) && typeof info.hostname === 'string' && typeof info.started === 'string' && (info.trainer === undefined || Number.isSafeInteger(info.trainer));
    return valid ? (info as LockInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the lock file with O_EXCL; false when it exists already. */
function create(file: string, text: string, runDir: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileSystemError(err, `cannot lock the run directory ${runDir}`);
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(file);
    throw fileSystemError(err, `cannot lock the run directory ${runDir}`);
  }
  closeSync(fd);
  return true;
}

/**
 * Removes the stale lock whose content is `stale`, unless another process replaced it meanwhile:
 * the lock is renamed away first (only one process can do that to a given file), and put back
 * when what was renamed turns out to be a fresh lock.
 */
function removeStale(file: string, stale: string): boolean {
  const aside = tempSibling(file);
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false; // someone else removed it
    throw fileSystemError(err, `cannot replace the stale lock ${file}`);
  }
  const removed = readText(aside) === stale;
  if (!removed) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process locked meanwhile: two hold it now, which only three processes starting
      // at the same instant over a stale lock can bring about.
    }
  }
  unlinkSync(aside);
  return removed;
}

function holding(file: string, text: string): RunLock {
  let held = true;
  let info = JSON.parse(text) as LockInfo;
  let deferred: ((signal: NodeJS.Signals) => void) | undefined;
  // Exit as the signal would have (128 + its number), without the lock; or, the first time while
  // deferred, leave the stop to the handler.
  const exitWith = (signal: NodeJS.Signals, code: number) => () => {
    const handler = deferred;
    deferred = undefined;
    if (handler) return handler(signal);
    release();
    process.exit(code);
  };
  const onInt = exitWith('SIGINT', SIGNAL_EXIT_CODES.SIGINT);
  const onTerm = exitWith('SIGTERM', SIGNAL_EXIT_CODES.SIGTERM);
  function release(): void {
    if (!held) return;
    held = false;
    process.off('exit', release);
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    try {
      if (readFileSync(file, 'utf8') === text) unlinkSync(file);
    } catch {
      // The run directory is gone, or the lock with it: nothing to release.
    }
  }
  process.on('exit', release);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    file,
    release,
    deferSignals: (onSignal) => {
      deferred = onSignal;
    },
    shareWith: (pid) => {
      if (!held) return;
      info = { ...info, trainer: pid };
      const shared = `${JSON.stringify(info)}\n`;
      const aside = tempSibling(file);
      try {
        writeFileSync(aside, shared);
        renameSync(aside, file);
      } catch (err) {
        throw fileSystemError(err, `cannot update the lock ${file}`);
      }
      text = shared;
    },
  };
}

/**
 * Locks `runDir` (which must exist) for this process, or throws a one-line UserError naming the
 * process that holds it. `note` receives a line when a stale lock is taken over.
 */
export function acquireRunLock(runDir: string, note: (line: string) => void = (line) => console.log(line)): RunLock {
  const file = join(runDir, LOCK_FILE);
  const text = JSON.stringify({ pid: process.pid, hostname: hostname(), started: new Date().toISOString() } satisfies LockInfo) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (create(file, text, runDir)) return holding(file, text);
    const current = readText(file);
    if (current === undefined) continue; // released meanwhile
    const holder = parseLock(current);
    if (holder === undefined) {
      // Empty or torn: its writer died between creating and writing it, or is just writing it.
      const age = Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < EMPTY_LOCK_GRACE_MS) throw new UserError(`${runDir} is being locked by another gan-train: try again in a moment`);
      if (removeStale(file, current)) note(`took over an unreadable lock ${file} left by a process that died`);
      continue;
    }
    const since = `started ${holder.started}`;
    if (holder.hostname !== hostname()) {
      throw new UserError(`${runDir} is in use by gan-train pid ${holder.pid} on ${holder.hostname} (${since}): wait for it to finish; if it has ended, delete ${file}`);
    }
    if (isAlive(holder.pid)) {
      throw new UserError(`${runDir} is in use by gan-train pid ${holder.pid} (${since}): wait for it to finish, or train into another --out directory`);
    }
    if (holder.trainer !== undefined && isAlive(holder.trainer)) {
      throw new UserError(`${runDir} is in use by pid ${holder.trainer}, which trains for gan-train pid ${holder.pid} (${since}, no longer running): it stops after its step; try again in a moment`);
    }
    if (removeStale(file, current)) note(`took over the lock of pid ${holder.pid} (${since}), which is no longer running`);
  }
  throw new UserError(`${runDir} is being locked and unlocked by other processes: try again in a moment`);
}
