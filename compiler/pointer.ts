// JSON pointers (RFC 6901), the compiler's one module for them: escaping segments, building
// pointers from segments, splitting them back, and reading a document at one. Imports nothing.

/** One segment, with '~' and '/' escaped ('~0', '~1'). */
export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerOf(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + escapeSegment(s)).join('');
}

export function join(base: string, ...segments: (string | number)[]): string {
  return base + pointerOf(...segments);
}

/** The pointer's segments, with '~1' and '~0' unescaped. */
export function segmentsOf(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `pointer`, or undefined when the document has nothing there. */
export function valueAt(doc: unknown, pointer: string): unknown {
  let node: unknown = doc;
  for (const seg of segmentsOf(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, seg)) return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

export function has(doc: unknown, pointer: string): boolean {
  return valueAt(doc, pointer) !== undefined;
}
