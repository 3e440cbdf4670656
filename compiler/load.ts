// Stage 1, load: reads a spec file (YAML or JSON), follows its `extends` chain, merges the
// files (merge.ts: objects key by key, lists replaced or edited with `edit`; a parent's `paper`
// and `description` are its own, never inherited), applies `--set key=value` overrides, and
// gives one document that still knows, for every JSON pointer, which file and line:col it came
// from. Files are read as limits.ts allows; a file whose top level is not a mapping is no spec:
// one error, and its text is never shown.
import { dirname, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { type Diagnostic, type Position, type Where } from './diagnostics';
import { isReservedKey, MAX_ALIAS_COUNT, MAX_EXTENDS, readSpecFile, reservedKeyMessage } from './limits';
import { mergeChain, mergeValues, originOf } from './merge';
import { parseSpec } from './parse';
import { pointerOf } from './pointer';

export interface Loaded {
  doc: Record<string, unknown>;
  /** Source texts by file, for code frames. */
  texts: Map<string, string>;
  where: Where;
  diagnostics: Diagnostic[];
}

interface Layer {
  doc: unknown;
  where: Where;
}

const SET_FILE = '--set';

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** Objects merge key by key; anything else in `over` replaces what `base` had (no `edit`, no positions). */
export const merge = mergeValues;

/** What a spec says about itself only: a spec that extends it does not inherit these. */
const OWN_KEYS = ['paper', 'description'];

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel === '' ? '.' : rel;
}

/** `named`: where the `extends` that names this file is written (problems with the file go there). */
function loadChain(file: string, seen: string[], texts: Map<string, string>, diagnostics: Diagnostic[], named?: Position): Layer[] {
  const shown = displayPath(file);
  const fail = (message: string, hint?: string): Layer[] => {
    const at = named ? { ...named, pointer: '/extends' } : { file: shown, line: 1, col: 1, pointer: '' };
    diagnostics.push({ code: 'GS001', severity: 'error', message, ...at, hint });
    return [];
  };
  if (seen.includes(file)) return fail(`'extends' makes a cycle: ${[...seen, file].map(displayPath).join(' -> ')}`);
  if (seen.length > MAX_EXTENDS) return fail(`'extends' goes more than ${MAX_EXTENDS} files deep: ${[...seen, file].map(displayPath).join(' -> ')}`);
  const read = readSpecFile(file, shown);
  if ('problem' in read) return fail(read.problem);
  const parsed = parseSpec(shown, read.text);
  const refused = parsed.diagnostics.some((d) => d.code === 'GS160');
  if (!parsed.mapping && !refused) {
    const top = parsed.doc === null || parsed.doc === undefined ? 'it is empty' : Array.isArray(parsed.doc) ? 'its top level is a list' : 'its top level is a single value';
    return fail(`${shown} is not a spec: ${top}, not a mapping of keys (a YAML or JSON object)`);
  }
  // Code frames only ever show the lines of a file that parsed as a spec.
  if (!refused) texts.set(shown, read.text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.diagnostics.some((d) => d.severity === 'error')) return [];
  const own: Layer = {
    doc: parsed.doc,
    where: (p, which) => ({ file: shown, ...parsed.locate(p, which) }),
  };
  const parent = isPlainObject(parsed.doc) ? parsed.doc.extends : undefined;
  if (typeof parent !== 'string') return [own];
  const base = loadChain(resolve(dirname(file), parent), [...seen, file], texts, diagnostics, own.where('/extends', 'value'));
  return base.length === 0 && diagnostics.length > 0 ? [] : [...base, own];
}

/** Applies one `a.b.0.c=value` override (the value is read as YAML) to the document. */
function applySet(doc: Record<string, unknown>, assignment: string): { code: 'GS001' | 'GS161'; message: string } | undefined {
  const fail = (message: string, code: 'GS001' | 'GS161' = 'GS001') => ({ code, message });
  const eq = assignment.indexOf('=');
  if (eq <= 0) return fail(`--set expects key=value, got '${assignment}'`);
  const path = assignment.slice(0, eq).split('.');
  const reserved = path.find(isReservedKey);
  if (reserved !== undefined) return fail(`--set ${assignment.slice(0, eq)}: ${reservedKeyMessage(reserved)}`, 'GS161');
  let value: unknown;
  try {
    value = parseDocument(assignment.slice(eq + 1)).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return fail(`--set ${assignment.slice(0, eq)}: cannot read the value: ${(err as Error).message}`);
  }
  const reservedInValue = reservedKeyIn(value);
  if (reservedInValue !== undefined) return fail(`--set ${assignment.slice(0, eq)}: the value's ${reservedKeyMessage(reservedInValue)}`, 'GS161');
  let node: Record<string, unknown> = doc;
  for (const [i, seg] of path.entries()) {
    // A list takes an item number up to its length (one past the end adds an item), never 'length'.
    if (Array.isArray(node) && !(/^(0|[1-9][0-9]{0,8})$/.test(seg) && Number(seg) <= node.length)) {
      return fail(`--set ${assignment.slice(0, eq)}: '${seg}' is not an item of a list of ${node.length}`);
    }
    if (i === path.length - 1) break;
    const next = Object.hasOwn(node, seg) ? node[seg] : undefined;
    if (next === null || typeof next !== 'object') return fail(`--set ${assignment.slice(0, eq)}: '${seg}' is not a section of the spec`);
    node = next as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
  return undefined;
}

/** The first key isReservedKey refuses anywhere in a plain value, walking it without recursion. */
function reservedKeyIn(value: unknown): string | undefined {
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node)) {
      const key = Object.keys(node).find(isReservedKey);
      if (key !== undefined) return key;
    }
    stack.push(...Object.values(node));
  }
  return undefined;
}

export function loadSpec(file: string, overrides: string[] = []): Loaded {
  const texts = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const chain = loadChain(resolve(file), [], texts, diagnostics);
  const docs = chain.map((layer, i) => (i < chain.length - 1 && isPlainObject(layer.doc) ? Object.fromEntries(Object.entries(layer.doc).filter(([k]) => !OWN_KEYS.includes(k))) : layer.doc));
  const { doc, source } = mergeChain(docs, (p) => {
    const other = p.other && chain[p.other.doc].where(p.other.pointer, 'value');
    const hint = other ? `${p.hint}; the other edit is on line ${other.line}` : p.hint;
    diagnostics.push({ code: p.code, severity: 'error', message: p.message, pointer: p.at.pointer, ...chain[p.at.doc].where(p.at.pointer, p.which), hint });
  });
  const merged = (isPlainObject(doc) ? doc : {}) as Record<string, unknown>;
  delete merged.extends;

  const setPointers = new Map<string, number>();
  overrides.forEach((assignment, i) => {
    const error = applySet(merged, assignment);
    if (error) diagnostics.push({ ...error, severity: 'error', file: SET_FILE, line: 1, col: i + 1, pointer: '' });
    else setPointers.set(pointerOf(...assignment.slice(0, assignment.indexOf('=')).split('.')), i + 1);
  });

  const where = (pointer: string, which?: 'key' | 'value'): Position => {
    for (const [p, index] of setPointers) if (pointer === p || pointer.startsWith(p + '/')) return { file: SET_FILE, line: 1, col: index };
    if (chain.length === 0) return { file: displayPath(resolve(file)), line: 1, col: 1 };
    const origin = originOf(source, pointer);
    return chain[origin.doc].where(origin.pointer, which);
  };
  return { doc: merged, texts, where, diagnostics };
}
