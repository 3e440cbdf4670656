// Stage 6, emit (quoting).
// The one way spec text reaches generated code: identifiers are checked, strings and values
// become escaped literals, comments are made single-line and unable to end early.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await any boolean number string symbol constructor prototype __proto__'.split(' '),
);

/** Whether a spec name can become a property or part of an identifier of generated code. */
export function isSafeName(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** A name used as (part of) a TypeScript identifier; anything else is a compiler bug. */
export function ident(name: string): string {
  if (!isSafeName(name)) throw new Error(`internal error: '${name}' is not a safe identifier`);
  return name;
}

/** A JSON-compatible value as a TypeScript literal (strings escaped, including U+2028/9). */
export function lit(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`internal error: ${value} is not a finite number`);
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error('internal error: value has no literal form');
  return text.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Text for a `//` or `/** *\/` comment: one line, no comment terminator, no odd line breaks. */
export function commentText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029\u0085\v\f]+/g, ' ')
    .replace(/\*\//g, '*\\/')
    .replace(/\s+/g, ' ')
    .trim();
}
