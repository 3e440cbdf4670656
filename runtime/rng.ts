// Seeded, serialisable PRNG (sfc32) installed as Math.random. tfjs random ops called without a
// seed (initialisers, tf.randomNormal, dropout) seed themselves from Math.random, so owning it
// makes a run repeat exactly on the cpu backend and lets a checkpoint capture the random stream.
import { UserError } from './errors';

const UINT32_RANGE = 4294967296;

// sfc32 state words a, b, c and the counter d; null until installed.
let words: Uint32Array | null = null;

function next(): number {
  const s = words!;
  const t = (s[0]! + s[1]! + s[3]!) >>> 0;
  s[3] = s[3]! + 1;
  s[0] = s[1]! ^ (s[1]! >>> 9);
  s[1] = s[2]! + (s[2]! << 3);
  s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) + t;
  return t / UINT32_RANGE;
}

function isUint32(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 0 && (x as number) < UINT32_RANGE;
}

/** Replaces Math.random with an sfc32 generator seeded from `seed` (any safe integer). */
export function installSeededRandom(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new UserError(`seed must be an integer, got ${seed}`);
  words = Uint32Array.of(seed >>> 0, Math.floor(seed / UINT32_RANGE) >>> 0, 0x9e3779b9, 1);
  Math.random = next;
  for (let i = 0; i < 12; i++) next(); // mix the seed through the state
}

/** The generator's current state: four uint32 words, plain JSON. */
export function rngState(): number[] {
  if (words === null) throw new Error('rngState() called before installSeededRandom()');
  return Array.from(words);
}

/** Puts the generator (installing it as Math.random if needed) back into a saved state. */
export function restoreRng(state: readonly number[]): void {
  if (state.length !== 4 || !state.every(isUint32)) {
    throw new Error(`rng state must be 4 unsigned 32-bit integers, got ${JSON.stringify(state)}`);
  }
  words = Uint32Array.from(state);
  Math.random = next;
}
