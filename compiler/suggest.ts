// Spelling suggestions for hints such as "did you mean 'conv2d'?": the closest known name
// by Damerau-Levenshtein distance, ignoring case, within a limit that grows with the length.

import { formatValue } from './diagnostics';

/** Edit distance counting insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  // Optimal-string-alignment form: rows i-2, i-1 and i of the usual table.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2] + 1);
      current.push(d);
    }
    [before, previous] = [previous, current];
  }
  return previous[b.length];
}

/**
 * The candidate closest to `name` (case-insensitive), or undefined when none is within
 * 40 % of the name's length in edits or when `name` is itself a candidate. Ties go to the
 * earlier candidate.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.floor(name.length * 0.4);
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === name) return undefined;
    if (Math.abs(candidate.length - name.length) >= bestDistance) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/**
 * "did you mean 'conv2d'?" for the closest candidate, or undefined. `quote` writes the
 * candidate (default formatValue: escaped, cut after 60 characters).
 */
export function didYouMean(name: string, candidates: Iterable<string>, quote: (candidate: string) => string = formatValue): string | undefined {
  const match = closest(name, candidates);
  return match === undefined ? undefined : `did you mean ${quote(match)}?`;
}
