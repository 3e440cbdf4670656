// gan-compile --explain and gan-diff (formatting): numbers, shapes, values and text tables as the
// two commands print them, deterministic (no locale). Imports nothing.

/** 1234567 -> "1,234,567"; a non-integer keeps up to 4 significant decimals. */
export function count(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (!Number.isInteger(n)) return String(Number(n.toPrecision(4)));
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A number as a spec writes it, without float noise (0.5 * 0.625 -> 0.3125, 0.1 * 3 -> 0.3). */
export function num(n: number): string {
  return String(Number(n.toPrecision(12)));
}

export const shape = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** A value in YAML flow notation: `{ filters: 64, kernel: 3 }`, `[7, 7, 128]`, `0.2`. */
export function flow(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return num(v);
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${k}: ${flow(x)}`).join(', ')} }`;
  }
  return String(v);
}

/** Settings as `key=value` pairs in the order given. */
export function settings(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${flow(v)}`)
    .join(' ');
}

/** Rows as a text table: columns padded to their widest cell, numbers right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((r) => /^-?[\d,.]+$|^-?$/.test(r[c] ?? '')));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}
