// gan-diff (alignment): the longest common subsequence of two lists, as an edit script of kept,
// removed and added items in order. O(n·m) time and memory: networks are at most 2000 layers
// (compiler/limits.ts). Imports nothing.

export type Edit<T> = { op: 'keep'; a: T; b: T; ai: number; bi: number } | { op: 'remove'; a: T; ai: number } | { op: 'add'; b: T; bi: number };

export function align<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): Edit<T>[] {
  const n = a.length;
  const m = b.length;
  // length[i][j]: the LCS of a[i..] and b[j..].
  const length = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) length[i][j] = same(a[i], b[j]) ? length[i + 1][j + 1] + 1 : Math.max(length[i + 1][j], length[i][j + 1]);
  }
  const edits: Edit<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && same(a[i], b[j])) {
      edits.push({ op: 'keep', a: a[i], b: b[j], ai: i, bi: j });
      i++;
      j++;
    } else if (j < m && (i === n || length[i][j + 1] >= length[i + 1][j])) {
      edits.push({ op: 'add', b: b[j], bi: j });
      j++;
    } else {
      edits.push({ op: 'remove', a: a[i], ai: i });
      i++;
    }
  }
  return edits;
}
