// A key-by-key difference of two JSON documents (two runs' resolved specs, or the settings of
// two training sessions): every JSON pointer whose value differs, was added or was removed.
// Objects are compared key by key, arrays index by index; anything else by value. A stopgap
// until a real `gan-diff` exists: kept separate and simple. Imports nothing.

export interface Difference {
  /** JSON pointer (RFC 6901) of the differing value; '' is the whole document. */
  pointer: string;
  kind: 'changed' | 'added' | 'removed';
  /** The value in the first document (absent when added). */
  a?: unknown;
  /** The value in the second document (absent when removed). */
  b?: unknown;
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);

function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function walk(a: unknown, b: unknown, pointer: string, out: Difference[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((k) => !Object.hasOwn(a, k))];
    for (const key of keys) {
      const at = `${pointer}/${escapeToken(key)}`;
      if (!Object.hasOwn(b, key)) out.push({ pointer: at, kind: 'removed', a: a[key] });
      else if (!Object.hasOwn(a, key)) out.push({ pointer: at, kind: 'added', b: b[key] });
      else walk(a[key], b[key], at, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const at = `${pointer}/${i}`;
      if (i >= b.length) out.push({ pointer: at, kind: 'removed', a: a[i] });
      else if (i >= a.length) out.push({ pointer: at, kind: 'added', b: b[i] });
      else walk(a[i], b[i], at, out);
    }
    return;
  }
  if (!Object.is(a, b)) out.push({ pointer, kind: 'changed', a, b });
}

/** The differences from `a` to `b`, in document order (a's keys first, then keys only b has). */
export function diffJson(a: unknown, b: unknown): Difference[] {
  const out: Difference[] = [];
  walk(a, b, '', out);
  return out;
}

/** One line per difference: "/schedule/batch: 32 → 64", "/x: added 1", "/y: removed [1,2]". */
export function formatDifference(d: Difference): string {
  const show = (v: unknown) => JSON.stringify(v);
  switch (d.kind) {
    case 'changed':
      return `${d.pointer || '/'}: ${show(d.a)} → ${show(d.b)}`;
    case 'added':
      return `${d.pointer}: added ${show(d.b)}`;
    case 'removed':
      return `${d.pointer}: removed ${show(d.a)}`;
  }
}
