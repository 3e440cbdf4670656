// The random inputs of a spec (`sample:`): reads each entry's text, `normal(28, 28, 1)`,
// `uniform(100, low=0, high=1)`, `normal(64, mean=0, std=0.5)`, `label(10)`, `categorical(10)`,
// into a SampleIR (positional numbers are the dimensions of one example, a range is given by
// keyword), reporting what is wrong at the offending argument; and the type an expression sees
// for each input. The parser is a plain function of the text (no evaluation of spec text).
// Imports the IR, the diagnostics catalogue, the reporter and the pointer helpers only.
import { formatValue, type Code } from '../diagnostics';
import type { SampleIR } from '../ir';
import { join } from '../pointer';
import type { Reporter } from '../report';
import type { Resolved } from '../resolve';
import type { Ty } from './expressions';

/** A random input's form, without its name. */
export type SampleForm = SampleIR extends infer S ? (S extends SampleIR ? Omit<S, 'name'> : never) : never;

/** What is wrong with a form: the message, its hint and code, and the character it is about. */
export interface SampleFormError {
  error: string;
  hint?: string;
  code: Code;
  /** Offset in the text of the argument (or character) the error is about. */
  at: number;
}

/** The largest dimension, as for a network input's shape (schema: shapes' maximum). */
export const MAX_DIMENSION = 1048576;
/** The most numbers one example of a random input may hold (2^24). */
export const MAX_SAMPLE_VALUES = 16777216;
/** The largest finite float32: tensors hold a range's ends as float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

const KINDS = ['normal', 'uniform', 'label', 'categorical'] as const;
type Kind = (typeof KINDS)[number];

/** Each kind's keywords and their defaults. */
const KEYWORDS: Record<Kind, Record<string, number>> = {
  normal: { mean: 0, std: 1 },
  uniform: { low: -1, high: 1 },
  label: {},
  categorical: {},
};

export const SAMPLE_FORMS = 'normal(dims...), uniform(dims...), label(K) or categorical(K), e.g. normal(100), uniform(28, 28, 1, low=0, high=1)';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const KEYWORD = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/s;

/** The keywords a kind takes, for a hint: "low and high (default low=-1, high=1)". */
function keywordHint(kind: Kind): string {
  const names = Object.keys(KEYWORDS[kind]);
  if (names.length === 0) return `${kind}() takes no keywords: write ${kind}(K)`;
  const defaults = names.map((n) => `${n}=${KEYWORDS[kind][n]}`).join(', ');
  return `${kind}() takes ${names.join(' and ')} (default ${defaults})`;
}

/** The form's arguments: each one's text (trimmed) and where it starts in `text`. */
function splitArguments(text: string, open: number, close: number): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  let start = open + 1;
  for (let i = open + 1; i <= close; i++) {
    if (i < close && text[i] !== ',') continue;
    const raw = text.slice(start, i);
    const lead = raw.length - raw.trimStart().length;
    out.push({ text: raw.trim(), at: raw.trim() === '' ? i : start + lead });
    start = i + 1;
  }
  return out;
}

/**
 * Reads one random input's text. Positional numbers are the dimensions of one example (whole
 * numbers >= 1; label and categorical take one, the number of classes); keywords give the range:
 * `uniform(..., low=-1, high=1)`, `normal(..., mean=0, std=1)` (those are the defaults).
 */
export function parseSampleForm(text: string): SampleForm | SampleFormError {
  const malformed = (at: number, error = `cannot read ${formatValue(text)}`): SampleFormError => ({ error, hint: `write ${SAMPLE_FORMS}`, code: 'GS120', at });
  const head = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(text);
  if (!head) return malformed(0);
  const name = head[1];
  if (!(KINDS as readonly string[]).includes(name)) return malformed(text.indexOf(name), `unknown random input ${formatValue(name)}`);
  const kind = name as Kind;
  const open = head[0].length - 1;
  const close = text.indexOf(')', open);
  if (close < 0) return malformed(text.length, `cannot read ${formatValue(text)}: no closing ')'`);
  const tail = text.slice(close + 1);
  if (tail.trim() !== '') return malformed(close + 1 + tail.length - tail.trimStart().length, `cannot read ${formatValue(text)}: text after ')'`);
  const inner = text.slice(open + 1, close);
  const classes = kind === 'label' || kind === 'categorical';
  const needs = classes ? `${kind}(K) needs K, the number of classes` : `${kind}() needs the dimensions of one example`;
  if (inner.trim() === '') return { error: needs, hint: `write ${classes ? `${kind}(10)` : `${kind}(100) or ${kind}(28, 28, 1)`}`, code: 'GS122', at: close };
  if (inner.includes('(')) return malformed(open + 1 + inner.indexOf('('));

  const dims: number[] = [];
  const given: Record<string, { value: number; at: number }> = {};
  let firstKeyword: string | undefined;
  for (const arg of splitArguments(text, open, close)) {
    if (arg.text === '') return malformed(arg.at, `${kind}(...) has an empty argument`);
    const kw = KEYWORD.exec(arg.text);
    if (kw) {
      const key = kw[1];
      if (!Object.hasOwn(KEYWORDS[kind], key)) return { error: `unknown keyword ${formatValue(key)} in ${kind}()`, hint: keywordHint(kind), code: 'GS123', at: arg.at };
      if (Object.hasOwn(given, key)) return malformed(arg.at, `${key} is given twice`);
      const raw = kw[2].trim();
      const value = Number(raw);
      if (!NUMBER.test(raw)) return { error: `${key} must be a number, got ${formatValue(raw)}`, hint: keywordHint(kind), code: 'GS124', at: arg.at };
      if (!(Math.abs(value) <= FLOAT32_MAX)) return { error: `${key} must be a finite float32 number, got ${raw}`, hint: keywordHint(kind), code: 'GS124', at: arg.at };
      given[key] = { value, at: arg.at };
      firstKeyword ??= key;
      continue;
    }
    if (firstKeyword !== undefined) {
      const example = kind === 'normal' ? 'normal(28, 28, 1, std=0.5)' : kind === 'uniform' ? 'uniform(28, 28, 1, low=0, high=1)' : `${kind}(10)`;
      return { error: `a dimension cannot follow a keyword: ${formatValue(arg.text)} comes after ${firstKeyword}=`, hint: `write the dimensions first, then the keywords: ${example}`, code: 'GS120', at: arg.at };
    }
    const value = Number(arg.text);
    if (!NUMBER.test(arg.text) || !Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
      const what = classes ? 'the number of classes' : 'a dimension';
      const hint = classes ? `write ${kind}(K) with K from 1 to ${MAX_DIMENSION}` : `dimensions are whole numbers from 1 to ${MAX_DIMENSION}; a range is given by keyword: ${kind === 'normal' ? 'normal(100, mean=0, std=0.5)' : 'uniform(100, low=0, high=1)'}`;
      return { error: `${what} must be a whole number from 1 to ${MAX_DIMENSION}, got ${formatValue(arg.text)}`, hint, code: 'GS122', at: arg.at };
    }
    if (classes && dims.length === 1) return { error: `${kind}(K) takes one number, the number of classes`, hint: `write ${kind}(${dims[0]})`, code: 'GS122', at: arg.at };
    dims.push(value);
  }
  if (dims.length === 0) return { error: needs, hint: `write the dimensions first: ${classes ? `${kind}(10)` : kind === 'normal' ? 'normal(100, mean=0, std=0.5)' : 'uniform(100, low=0, high=1)'}`, code: 'GS122', at: open + 1 };
  const values = dims.reduce((a, b) => a * b, 1);
  if (values > MAX_SAMPLE_VALUES) {
    return { error: `${kind}(${dims.join(', ')}) holds ${values} numbers per example: at most ${MAX_SAMPLE_VALUES}`, hint: 'use fewer or smaller dimensions', code: 'GS122', at: open + 1 };
  }
  const value = (key: string): number => given[key]?.value ?? KEYWORDS[kind][key];
  switch (kind) {
    case 'label':
      return { kind, size: dims[0], shape: [] };
    case 'categorical':
      return { kind, size: dims[0], shape: [dims[0]] };
    case 'normal': {
      const std = value('std');
      if (std <= 0) return { error: `std must be > 0, got std=${std}`, hint: keywordHint(kind), code: 'GS124', at: given.std.at };
      return { kind, size: values, shape: dims, mean: value('mean'), std };
    }
    case 'uniform': {
      const low = value('low');
      const high = value('high');
      const at = (given.low ?? given.high)?.at ?? open + 1;
      if (low >= high) return { error: `low must be below high, got low=${low}, high=${high}`, hint: keywordHint(kind), code: 'GS124', at };
      if (!(high - low <= FLOAT32_MAX)) return { error: `high - low must be a finite float32 number, got low=${low}, high=${high}`, hint: keywordHint(kind), code: 'GS124', at };
      return { kind, size: values, shape: dims, low, high };
    }
  }
}

export function isSampleFormError(f: SampleForm | SampleFormError): f is SampleFormError {
  return 'error' in f;
}

/** A random input as a spec could write it, every default spelled out: `uniform(28, 28, 1, low=-1, high=1)`. */
export function sampleText(s: SampleForm): string {
  switch (s.kind) {
    case 'label':
    case 'categorical':
      return `${s.kind}(${s.size})`;
    case 'normal':
      return `normal(${s.shape.join(', ')}, mean=${s.mean}, std=${s.std})`;
    case 'uniform':
      return `uniform(${s.shape.join(', ')}, low=${s.low}, high=${s.high})`;
  }
}

/** The spec's random inputs; a form with a mistake is reported at its argument and left out. */
export function lowerSamples(r: Resolved, report: Reporter): SampleIR[] {
  return Object.entries(r.spec.sample ?? {}).flatMap(([name, text]) => {
    const form = parseSampleForm(text);
    if (isSampleFormError(form)) {
      const pointer = join('/sample', name);
      report.expression(pointer, text);
      report.error(pointer, form.error, { hint: form.hint, code: form.code, at: form.at });
      return [];
    }
    return [{ name, ...form }];
  });
}

/** The type an expression sees: one example's shape (a label: a class number of K classes). */
export function sampleType(s: SampleIR): Ty & { t: 'tensor' } {
  if (s.kind === 'label') return { t: 'tensor', shape: [], dtype: 'int32', classes: s.size };
  return { t: 'tensor', shape: [...s.shape], dtype: 'float32' };
}
