// Turning logged values into chart series: exponential smoothing (debiased, as TensorBoard
// does, so the first points are not pulled towards 0) and thinning long runs to a point budget.
// Imports nothing.

export type Point = readonly [number, number];

/**
 * Exponential moving average of the y values with weight `w` (0: no smoothing), debiased by
 * 1 - w^k after k finite values. Non-finite values are skipped and stay non-finite.
 */
export function ema(points: readonly Point[], w: number): Point[] {
  let acc = 0;
  let k = 0;
  return points.map(([x, y]) => {
    if (!Number.isFinite(y)) return [x, y] as const;
    acc = w * acc + (1 - w) * y;
    k++;
    return [x, w === 0 ? y : acc / (1 - w ** k)] as const;
  });
}

/** The smoothing weight for a chart spanning `span` steps: an average over about 2 % of it. */
export function smoothingWeight(span: number): number {
  const window = Math.max(1, span / 50);
  return 1 - 1 / window;
}

/** At most `max` (>= 2) points: every k-th point, always keeping the last. */
export function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const k = Math.ceil(points.length / (max - 1));
  const kept = points.filter((_, i) => i % k === 0);
  if ((points.length - 1) % k !== 0) kept.push(points[points.length - 1]);
  return kept;
}
