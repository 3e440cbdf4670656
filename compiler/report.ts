// The compiler's one diagnostics reporter: every stage reports through it. It places each
// problem in the source itself (a JSON pointer's key or value through the loaded document's
// `where`; a character of an expression through the expression's text, which the stage that
// reads the expression tells it), builds the "did you mean" hint of a name looked up among
// candidates (suggest.ts), and hands the diagnostics out without repeats, in source order.
// Imports diagnostics.ts and suggest.ts only.
import { formatValue, type Code, type Diagnostic, type Position, type Where, type Which } from './diagnostics';
import { didYouMean } from './suggest';

export interface ReportOptions {
  /** Advice shown under the message. */
  hint?: string;
  /** Default GS100. */
  code?: Code;
  /** A character offset inside the expression at the pointer (see `expression`). */
  at?: number;
  /** Place the diagnostic at the key that names the value, or at the value (the default). */
  which?: Which;
  /** Place it at this pointer instead of `pointer` (a schema error about one key of an object). */
  anchor?: string;
}

export interface UnknownOptions extends ReportOptions {
  /** The message, for a lookup not worded "unknown <what> '<name>'". */
  message?: string;
  /** How the name and the suggestion are quoted: 'plain' ('name', the default) or 'value' (formatValue). */
  quote?: 'plain' | 'value';
  /** Writes the suggested candidate instead, quotes and all (a block parameter's is `$name`, bare). */
  show?: (candidate: string) => string;
}

const WHOLE_DOCUMENT: Where = () => ({ file: '', line: 1, col: 1 });

export class Reporter {
  readonly #items: Diagnostic[] = [];
  readonly #seen = new Set<string>();
  readonly #expressions = new Map<string, string>();

  /**
   * `where` places JSON pointers (without it, everything is at 1:1 of no file); `texts` are the
   * source texts by file, in which expression offsets are found.
   */
  constructor(
    private readonly where: Where = WHOLE_DOCUMENT,
    private readonly texts: ReadonlyMap<string, string> = new Map(),
  ) {}

  error(pointer: string, message: string, opts: ReportOptions = {}): void {
    this.#report('error', pointer, message, opts);
  }

  warning(pointer: string, message: string, opts: ReportOptions = {}): void {
    this.#report('warning', pointer, message, opts);
  }

  /**
   * An error about `name`, which is none of `candidates`: "unknown <what> 'name'" (or
   * `opts.message`), with the hint "did you mean 'x'?" for the closest candidate; `opts.hint`
   * is the hint when none is close enough to suggest.
   */
  unknown(pointer: string, what: string, name: string, candidates: Iterable<string>, opts: UnknownOptions = {}): void {
    const quote = opts.quote === 'value' ? formatValue : (s: string) => `'${s}'`;
    const hint = didYouMean(name, candidates, opts.show ?? quote) ?? opts.hint;
    this.error(pointer, opts.message ?? `unknown ${what} ${quote(name)}`, { ...opts, hint });
  }

  /** Tells the reporter the expression text at `pointer`: offsets (`at`) there count in it. */
  expression(pointer: string, text: string): void {
    this.#expressions.set(pointer, text);
  }

  /** A diagnostic placed already (syntax errors, files that cannot be read). */
  add(d: Diagnostic): void {
    // One message once per place, whichever pointer or code it came with.
    const key = `${d.file}:${d.line}:${d.col}:${d.message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#items.push(d);
  }

  /** All diagnostics, sorted by file, line and column (in the order reported where equal). */
  get all(): Diagnostic[] {
    return [...this.#items].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.col - b.col);
  }

  get errors(): Diagnostic[] {
    return this.all.filter((d) => d.severity === 'error');
  }

  get hasErrors(): boolean {
    return this.#items.some((d) => d.severity === 'error');
  }

  /** Makes every warning so far an error, its hint saying why (`because` names the setting: `--strict`). */
  warningsAsErrors(because: string): void {
    this.#items.forEach((d, i) => {
      if (d.severity !== 'warning') return;
      const note = `${because} makes this warning an error`;
      this.#items[i] = { ...d, severity: 'error', hint: d.hint === undefined ? note : `${d.hint}; ${note}` };
    });
  }

  /** How many diagnostics, warnings included. */
  get size(): number {
    return this.#items.length;
  }

  #report(severity: Diagnostic['severity'], pointer: string, message: string, opts: ReportOptions): void {
    this.add({ code: opts.code ?? 'GS100', severity, message, pointer, hint: opts.hint, ...this.#place(pointer, opts) });
  }

  #place(pointer: string, opts: ReportOptions): Position {
    const pos = this.where(opts.anchor ?? pointer, opts.which ?? 'value');
    if (opts.at === undefined) return pos;
    return positionInExpression(this.texts, pos, this.#expressions.get(pointer) ?? '', opts.at);
  }
}

/** Finds the character `at` of the expression `expr`, written at `pos`, in its source text. */
function positionInExpression(texts: ReadonlyMap<string, string>, pos: Position, expr: string, at: number): Position {
  const src = texts.get(pos.file);
  const needle = expr.slice(at).split(/\s/)[0].slice(0, 24);
  if (src === undefined || needle === '') return pos;
  // The same text may occur earlier in the expression: skip as many occurrences in the source.
  let skip = 0;
  for (let i = expr.indexOf(needle); i >= 0 && i < at; i = expr.indexOf(needle, i + 1)) skip++;
  const lines = src.split('\n');
  let index = lines.slice(0, pos.line - 1).reduce((n, l) => n + l.length + 1, 0) + pos.col - 1;
  for (let k = 0; k <= skip; k++) {
    index = src.indexOf(needle, k === 0 ? index : index + 1);
    if (index < 0) return pos;
  }
  const head = src.slice(0, index).split('\n');
  return { file: pos.file, line: head.length, col: head[head.length - 1].length + 1 };
}
