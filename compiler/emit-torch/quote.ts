// Stage 6, emit for the torch target (quoting): the one way spec text reaches generated Python.
// Identifiers are checked against [A-Za-z_][A-Za-z0-9_]* and the names Python or the module
// itself gives a meaning (keywords, builtins the module uses, its imports and top-level names);
// strings become JSON-escaped literals (valid Python), values Python literals (None, True,
// False, lists, dicts with string keys); comments one line. Imports nothing of ours.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);
/** What a generated module's own code refers to by name: its imports and `self`. */
const MODULE_NAMES = new Set('self annotations torch nn Tensor gs'.split(' '));

/** Why a name cannot be a Python identifier of generated code, or undefined when it can. */
export function pyNameProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) return 'not an identifier';
  if (KEYWORDS.has(name)) return 'a Python keyword';
  if (MODULE_NAMES.has(name)) return 'a name the generated Python module uses itself (torch, nn, Tensor, gs, annotations, self)';
  if (name.startsWith('__')) return "a name starting with '__' (Python's own names)";
  return undefined;
}

/** Whether a spec name can be (part of) a Python identifier of generated code. */
export function isSafePyName(name: string): boolean {
  return pyNameProblem(name) === undefined;
}

/** A name used as a Python identifier; anything else is a compiler bug (names.ts reports spec names first). */
export function pyIdent(name: string): string {
  if (!isSafePyName(name)) throw new Error(`internal error: '${name}' is not a safe Python identifier`);
  return name;
}

/** A string as a Python string literal: JSON's escaping is valid Python (U+2028/9 escaped too). */
export function pyStr(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A JSON-compatible value as a Python literal; a key whose value is undefined is left out. */
export function pyLit(value: unknown): string {
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`internal error: ${value} is not a finite number`);
      return JSON.stringify(value);
    case 'string':
      return pyStr(value);
    case 'boolean':
      return value ? 'True' : 'False';
    case 'object': {
      if (value === null) return 'None';
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'None' : pyLit(v))).join(', ')}]`;
      const entries = Object.entries(value).filter(([, v]) => v !== undefined);
      return `{${entries.map(([k, v]) => `${pyStr(k)}: ${pyLit(v)}`).join(', ')}}`;
    }
    default:
      throw new Error('internal error: value has no literal form');
  }
}

/** A float literal (1 -> 1.0), for settings typed float. */
export function pyFloat(value: number): string {
  const text = pyLit(value);
  return /^-?\d+$/.test(text) ? `${text}.0` : text;
}

/** Text for a `#` comment: one line (no line break or control character can end it). */
export function pyComment(text: string): string {
  return text
    .replace(/[\x00-\x1f\x7f\u2028\u2029\u0085]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Text inside a docstring: a comment that also holds no quote (which could end it) and no backslash escape. */
export function pyDoc(text: string): string {
  return pyComment(text).replace(/\\/g, '\\\\').replace(/"/g, "'");
}
