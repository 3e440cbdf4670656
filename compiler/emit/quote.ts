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

/** A string as a TypeScript string literal (escaped, including U+2028/9). */
function stringLit(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** An object literal's key: bare where it is a safe name (`units`), else a quoted string. */
export function key(name: string): string {
  return isSafeName(name) ? name : stringLit(name);
}

/** A property read: `.name` where it is a safe name, else `["name"]`. */
export function member(name: string): string {
  return isSafeName(name) ? `.${name}` : `[${stringLit(name)}]`;
}

/**
 * A JSON-compatible value as a TypeScript literal, written as a person would: `{ units: 64,
 * activation: "relu" }` (bare keys where safe, strings escaped). As in JSON, a key whose value is
 * undefined is left out and an undefined array element is null.
 */
export function lit(value: unknown): string {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`internal error: ${value} is not a finite number`);
      return JSON.stringify(value);
    case 'string':
      return stringLit(value);
    case 'boolean':
      return String(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : lit(v))).join(', ')}]`;
      const entries = Object.entries(value).filter(([, v]) => v !== undefined);
      return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${key(k)}: ${lit(v)}`).join(', ')} }`;
    }
    default:
      throw new Error('internal error: value has no literal form');
  }
}

/** Text for a `//` or `/** *\/` comment: one line, no comment terminator, no odd line breaks. */
export function commentText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029\u0085\v\f]+/g, ' ')
    .replace(/\*\//g, '*\\/')
    .replace(/\s+/g, ' ')
    .trim();
}
