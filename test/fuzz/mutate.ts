// The spec fuzzer's mutator: a seeded PRNG and mutation operators that turn a valid spec's text
// into a broken (or still valid) one: on the YAML document (deleted, duplicated, retyped and
// swapped keys, deep nesting, huge numbers, long strings, prototype-member keys, loss and preview
// expressions bent out of shape) and on the text (truncation, duplicated lines, random bytes).
// The same (text, seed) always gives the same bytes. Used by test/spec-fuzz.test.ts and
// tools/fuzz-specs.ts. Imports only the `yaml` package and node's Buffer.
import { Buffer } from 'node:buffer';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

// ---- PRNG ------------------------------------------------------------------------------------

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi]. */
  between(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

/** sfc32 seeded from one 32-bit integer (mixed 15 rounds, so nearby seeds diverge at once). */
export function makeRng(seed: number): Rng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    pick: (xs) => xs[int(xs.length)],
    chance: (p) => next() < p,
  };
}

/** The seed of case `index` of a run seeded `seed`: every case can be replayed alone. */
export function caseSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

// ---- Mutations ---------------------------------------------------------------------------------

export const MUTATION_KINDS = [
  'transplant',
  'delete-key',
  'duplicate-key',
  'retype',
  'swap-keys',
  'deep-nesting',
  'huge-number',
  'long-string',
  'proto-key',
  'expression',
  'truncate',
  'duplicate-line',
  'insert-bytes',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** How often each kind is drawn: the ones that tend to pass the schema (and so reach the later
 *  stages: resolve, shape checks, expressions) more often than the ones that break the syntax. */
const WEIGHTS: Record<MutationKind, number> = {
  transplant: 4,
  expression: 3,
  'delete-key': 2,
  retype: 2,
  'swap-keys': 2,
  'duplicate-key': 1,
  'deep-nesting': 1,
  'huge-number': 1,
  'long-string': 1,
  'proto-key': 1,
  truncate: 1,
  'duplicate-line': 1,
  'insert-bytes': 1,
};

/**
 * Classes of input known to break the compiler at the time of writing, which a caller may ask
 * the mutator to leave out (each is being fixed; see test/spec-fuzz.test.ts):
 * - deep-expression: loss or preview expressions nested thousands deep or with thousands of terms;
 * - infinite-literal: a literal that overflows to Infinity (1e400) or a division by zero in an expression;
 * - proto-keys: `__proto__` or `constructor` as a key;
 * - huge-spec: strings of more than 20,000 characters, nesting deeper than 200, files over 256 KiB.
 */
export const KNOWN_CLASSES = ['deep-expression', 'infinite-literal', 'proto-keys', 'huge-spec'] as const;
export type KnownClass = (typeof KNOWN_CLASSES)[number];

export interface Mutation {
  kind: MutationKind;
  /** What was done where, for a human reproducing the case. */
  detail: string;
  /** The known class this mutation belongs to, if any. */
  known?: KnownClass;
}

export interface Mutated {
  bytes: Buffer;
  mutations: Mutation[];
}

export interface MutateOptions {
  /** Known classes to leave out. */
  avoid?: ReadonlySet<KnownClass>;
  /** Mutations per case: between 1 and this (default 3). */
  maxMutations?: number;
  /** Mutation kinds to choose from (default all). */
  kinds?: readonly MutationKind[];
}

const DOC_KINDS = new Set<MutationKind>(['transplant', 'delete-key', 'duplicate-key', 'retype', 'swap-keys', 'deep-nesting', 'huge-number', 'long-string', 'proto-key', 'expression']);
const TEXT_KINDS = new Set<MutationKind>(['truncate', 'duplicate-line']);
const HUGE_SPEC_BYTES = 256 * 1024;

/** A place in the document holding a node: an entry of a map (key and value) or an item of a list. */
interface Slot {
  parent: YAMLMap | YAMLSeq;
  index: number;
  path: string;
}

function slots(doc: Document): Slot[] {
  const out: Slot[] = [];
  const walk = (node: unknown, path: string) => {
    if (isMap(node)) {
      node.items.forEach((pair, index) => {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        out.push({ parent: node, index, path: `${path}/${key}` });
        walk(pair.value, `${path}/${key}`);
      });
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        out.push({ parent: node, index, path: `${path}/${index}` });
        walk(item, `${path}/${index}`);
      });
    }
  };
  walk(doc.contents, '');
  return out;
}

function valueOf(slot: Slot): unknown {
  const item = slot.parent.items[slot.index];
  return isPair(item) ? item.value : item;
}

function setValue(slot: Slot, node: unknown): void {
  const item = slot.parent.items[slot.index];
  if (isPair(item)) item.value = node;
  else (slot.parent.items as unknown[])[slot.index] = node;
}

const isMapSlot = (s: Slot): boolean => isMap(s.parent);

/** Values of other types than a spec usually holds, and near-misses of the ones it does. */
const RETYPE_VALUES: unknown[] = [
  0, -1, 1.5, 65536, 'text', '', ' ', true, false, null, [], {}, [1, 2], [[0, 1], [0, 1]], { a: 1 }, { dense: { units: 3 } },
  'normal(3)', 'categorical(0)', 'label(-1)', '$channels', '$nope', 'G', 'D', 'D.valid', 'D(x)', 'G(z)', 'image', 'label',
  'relu', 'flatten', 'mnist', 'ring', [28, 28, 1], [1, 1, 2], [0], 'yes', '0x1F', '1e3', '~', 'null',
];

const NUMBERS = ['1e308', '-1e308', '9007199254740993', '1e-320', '-0', '4294967297', '1e21', '0.000001', '-2147483649', '.nan', '.inf', '-.inf', '0x7fffffff', '1_000'];

const STRING_PIECES = ['a', 'ä', '€', '𝕏', ' ', '"', "'", '\\', '$', '{', '(', ')', '\n', '\t', '\u2028', '#', ':', '*/', '${x}', '%s'];

const EXPR_TOKENS = [
  '(', ')', '+', '-', '*', '/', ',', '.', ' ', 'D', 'G', 'x', 'z', 'y', 'c', 'bce(', 'ce(', 'mse(', 'l1(', 'mean(', 'sum(', 'detach(',
  'gradient_penalty(', 'onehot(', 'sqrt(', 'log(', '.valid', '.label', '.code', '0', '1', '10', '0.5', '-1', '1e-3', '@', '"', '[', ']',
  '$', 'D(G(z))', 'G(z, c)', 'nope(', 'x.y', '..', '1e', '.5', '5.',
];

/** Short-circuited token lists that make expressions deep or long (a known class). */
function deepExpression(rng: Rng): string {
  const n = rng.between(1500, 6000);
  switch (rng.int(4)) {
    case 0:
      return `${'('.repeat(n)}mean(D(x))${')'.repeat(n)}`;
    case 1:
      return Array.from({ length: n }, () => 'mean(D(x))').join(' + ');
    case 2:
      return `${'-'.repeat(n)}mean(D(x))`;
    default:
      return `${'sqrt('.repeat(n)}mean(D(x))${')'.repeat(n)}`;
  }
}

function randomString(rng: Rng, length: number): string {
  let s = '';
  while (s.length < length) s += rng.chance(0.7) ? String.fromCharCode(97 + rng.int(26)) : rng.pick(STRING_PIECES);
  return s;
}

/** Nested flow collections as text ([[[1]]] or {a: {a: 1}}): yaml's createNode recurses too deep to build them. */
function nested(rng: Rng, depth: number): string {
  const leaf = rng.pick(['1', 'x', 'null', '[]', '{}']);
  return rng.chance(0.5) ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** Text put in place of a placeholder scalar once the document is written out. */
type Splices = Map<string, string>;

/** Applies one document mutation; returns its description, or null when there was nothing to apply it to. */
function mutateDoc(doc: Document, kind: MutationKind, rng: Rng, avoid: ReadonlySet<KnownClass>, splices: Splices): Mutation | null {
  const all = slots(doc);
  if (all.length === 0) return null;
  const mapSlots = all.filter(isMapSlot);
  switch (kind) {
    case 'transplant': {
      // A value replaced by another of the same kind from elsewhere in the spec: a number by a
      // number, a name by a name, a list by a list.
      const s = rng.pick(all);
      const v = valueOf(s);
      const kindOf = (x: unknown) => (isScalar(x) ? typeof x.value : isSeq(x) ? 'list' : isMap(x) ? 'map' : 'other');
      const donors = all.filter((d) => d !== s && kindOf(valueOf(d)) === kindOf(v) && !d.path.startsWith(`${s.path}/`) && !s.path.startsWith(`${d.path}/`));
      if (donors.length === 0) return null;
      const d = rng.pick(donors);
      const donor = valueOf(d) as { clone?: () => unknown };
      setValue(s, typeof donor.clone === 'function' ? donor.clone() : donor);
      return { kind, detail: `${s.path} = the value of ${d.path}` };
    }
    case 'delete-key': {
      const s = rng.pick(all);
      s.parent.items.splice(s.index, 1);
      return { kind, detail: `deleted ${s.path}` };
    }
    case 'duplicate-key': {
      if (mapSlots.length === 0) return null;
      const s = rng.pick(mapSlots);
      const pair = s.parent.items[s.index] as Pair;
      const copy = doc.createPair(isScalar(pair.key) ? pair.key.value : 'k', rng.chance(0.5) ? (isScalar(pair.value) ? pair.value.value : pair.value) : rng.pick(RETYPE_VALUES));
      (s.parent as YAMLMap).items.splice(s.index + rng.int(2), 0, copy as Pair);
      return { kind, detail: `duplicated the key of ${s.path}` };
    }
    case 'retype': {
      const s = rng.pick(all);
      const v = rng.pick(RETYPE_VALUES);
      setValue(s, doc.createNode(v, { flow: true }));
      return { kind, detail: `${s.path} = ${JSON.stringify(v)}` };
    }
    case 'swap-keys': {
      if (mapSlots.length < 2) return null;
      const a = rng.pick(mapSlots);
      const b = rng.pick(mapSlots);
      const pa = a.parent.items[a.index] as Pair;
      const pb = b.parent.items[b.index] as Pair;
      if (rng.chance(0.5)) {
        [pa.key, pb.key] = [pb.key, pa.key];
        return { kind, detail: `swapped the keys of ${a.path} and ${b.path}` };
      }
      // Values swapped: neither may hold the other (that would make a cycle).
      if (a.path.startsWith(`${b.path}/`) || b.path.startsWith(`${a.path}/`)) return null;
      [pa.value, pb.value] = [pb.value, pa.value];
      return { kind, detail: `swapped the values of ${a.path} and ${b.path}` };
    }
    case 'deep-nesting': {
      const s = rng.pick(all);
      const huge = !avoid.has('huge-spec') && rng.chance(0.3);
      const depth = huge ? rng.between(201, 3000) : rng.between(8, 200);
      const placeholder = `deep-nesting-placeholder-${splices.size}`;
      splices.set(placeholder, nested(rng, depth));
      setValue(s, doc.createNode(placeholder));
      return { kind, detail: `${s.path} nested ${depth} deep`, known: huge ? 'huge-spec' : undefined };
    }
    case 'huge-number': {
      const numeric = all.filter((s) => {
        const v = valueOf(s);
        return isScalar(v) && typeof v.value === 'number';
      });
      const s = rng.pick(numeric.length > 0 ? numeric : all);
      const literal = rng.pick(NUMBERS);
      setValue(s, parseDocument(literal).contents);
      return { kind, detail: `${s.path} = ${literal}` };
    }
    case 'long-string': {
      const huge = !avoid.has('huge-spec') && rng.chance(0.25);
      const length = huge ? rng.between(20_001, 400_000) : rng.between(100, 20_000);
      const text = randomString(rng, length).slice(0, length);
      if (mapSlots.length > 0 && rng.chance(0.3)) {
        const s = rng.pick(mapSlots);
        (s.parent.items[s.index] as Pair).key = doc.createNode(text);
        return { kind, detail: `the key of ${s.path} is a string of ${length} characters`, known: huge ? 'huge-spec' : undefined };
      }
      const s = rng.pick(all);
      setValue(s, doc.createNode(text));
      return { kind, detail: `${s.path} = a string of ${length} characters`, known: huge ? 'huge-spec' : undefined };
    }
    case 'proto-key': {
      const maps = [doc.contents, ...all.map(valueOf)].filter(isMap) as YAMLMap[];
      if (maps.length === 0) return null;
      const names = avoid.has('proto-keys') ? ['toString', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf'] : ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'];
      const name = rng.pick(names);
      const target = rng.pick(maps);
      const value = rng.pick<unknown>([1, 'x', null, { a: 1 }, [1], { dense: { units: 3 } }, 'mean(D(x))']);
      target.items.splice(rng.int(target.items.length + 1), 0, doc.createPair(name, value) as Pair);
      // Renaming an existing key instead (a network, loss, sample or head called `constructor`).
      if (rng.chance(0.5) && target.items.length > 1) {
        const other = target.items[rng.int(target.items.length)];
        if (isScalar(other.key)) other.key = doc.createNode(name);
      }
      return { kind, detail: `key '${name}' in a map`, known: name === '__proto__' || name === 'constructor' ? 'proto-keys' : undefined };
    }
    case 'expression': {
      const exprs = all.filter((s) => (s.path.startsWith('/losses/') || s.path.startsWith('/preview/show/') || s.path.startsWith('/sample/')) && isScalar(valueOf(s)) && typeof (valueOf(s) as { value: unknown }).value === 'string');
      if (exprs.length === 0) return null;
      const s = rng.pick(exprs);
      const before = String((valueOf(s) as { value: unknown }).value);
      let after = before;
      let known: KnownClass | undefined;
      const op = rng.int(6);
      if (op === 0 && !avoid.has('deep-expression')) {
        after = deepExpression(rng);
        known = 'deep-expression';
      } else if (op === 1 && !avoid.has('infinite-literal')) {
        after = `${before} + ${rng.pick(['1e400', '1/0', '0/0', 'mean(D(x)) / 0', '-1e999', '1e309 * 0'])}`;
        known = 'infinite-literal';
      } else if (op === 2) {
        // Moderately deep or long: well below the known limits.
        const n = rng.between(2, 60);
        after = rng.chance(0.5) ? `${'('.repeat(n)}${before}${')'.repeat(n)}` : Array.from({ length: n }, () => `(${before})`).join(rng.pick([' + ', ' * ', ' - ']));
      } else {
        // Token edits: insert, delete or replace a few characters.
        for (let k = rng.between(1, 4); k > 0; k--) {
          const at = rng.int(after.length + 1);
          const edit = rng.int(3);
          if (edit === 0) after = after.slice(0, at) + rng.pick(EXPR_TOKENS) + after.slice(at);
          else if (edit === 1) after = after.slice(0, at) + after.slice(at + rng.between(1, 6));
          else after = after.slice(0, at) + rng.pick(EXPR_TOKENS) + after.slice(at + rng.between(1, 4));
        }
      }
      setValue(s, doc.createNode(after));
      const shown = after.length > 120 ? `${after.slice(0, 60)}...(${after.length} characters)` : after;
      return { kind, detail: `${s.path}: ${JSON.stringify(before)} -> ${JSON.stringify(shown)}`, known };
    }
    default:
      return null;
  }
}

function mutateText(text: string, kind: MutationKind, rng: Rng): { text: string; mutation: Mutation } {
  if (kind === 'truncate') {
    const at = rng.int(text.length + 1);
    return { text: text.slice(0, at), mutation: { kind, detail: `cut at character ${at} of ${text.length}` } };
  }
  // duplicate-line
  const lines = text.split('\n');
  const i = rng.int(lines.length);
  const j = rng.chance(0.5) ? i + 1 : rng.int(lines.length + 1);
  lines.splice(j, 0, lines[i]);
  return { text: lines.join('\n'), mutation: { kind, detail: `line ${i + 1} repeated as line ${j + 1}` } };
}

/** Random bytes: YAML indicators, control characters, invalid UTF-8, BOMs, line breaks. */
function insertBytes(bytes: Buffer, rng: Rng): { bytes: Buffer; mutation: Mutation } {
  const pieces: (() => number[])[] = [
    () => [rng.int(256)],
    () => [rng.pick([0x3a, 0x2d, 0x7b, 0x7d, 0x5b, 0x5d, 0x23, 0x26, 0x2a, 0x21, 0x7c, 0x3e, 0x25, 0x40, 0x60, 0x22, 0x27, 0x2c, 0x3f])],
    () => [rng.pick([0x00, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0x1b, 0x7f])],
    () => [0xef, 0xbb, 0xbf], // BOM
    () => [0xc3], // truncated UTF-8
    () => [0xed, 0xa0, 0x80], // an encoded surrogate (invalid UTF-8)
    () => [0xe2, 0x80, 0xa8], // U+2028
    () => [0xf0, 0x9d, 0x95, 0x8f], // U+1D54F
  ];
  const inserted: number[] = [];
  for (let k = rng.between(1, 8); k > 0; k--) inserted.push(...rng.pick(pieces)());
  const at = rng.int(bytes.length + 1);
  const out = Buffer.concat([bytes.subarray(0, at), Buffer.from(inserted), bytes.subarray(at)]);
  const hex = inserted.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return { bytes: out, mutation: { kind: 'insert-bytes', detail: `inserted bytes [${hex}] at byte ${at}` } };
}

/**
 * Mutates a spec's text with 1 to maxMutations operators chosen by `seed`: document operators
 * first (on the parsed YAML), then text operators, then raw bytes.
 */
export function mutate(text: string, seed: number, options: MutateOptions = {}): Mutated {
  const original = text;
  const rng = makeRng(seed);
  const avoid = options.avoid ?? new Set<KnownClass>();
  const kinds = options.kinds ?? MUTATION_KINDS;
  const total = kinds.reduce((n, k) => n + WEIGHTS[k], 0);
  const draw = (): MutationKind => {
    let r = rng.next() * total;
    for (const k of kinds) if ((r -= WEIGHTS[k]) < 0) return k;
    return kinds[kinds.length - 1];
  };
  const chosen = Array.from({ length: rng.between(1, options.maxMutations ?? 3) }, draw);
  const mutations: Mutation[] = [];

  const docKinds = chosen.filter((k) => DOC_KINDS.has(k));
  if (docKinds.length > 0) {
    const doc = parseDocument(text, { merge: true });
    const splices: Splices = new Map();
    for (const kind of docKinds) {
      const m = mutateDoc(doc, kind, rng, avoid, splices);
      if (m) mutations.push(m);
    }
    text = doc.toString({ lineWidth: 0 });
    for (const [placeholder, value] of splices) text = text.replace(placeholder, () => value);
  }
  for (const kind of chosen.filter((k) => TEXT_KINDS.has(k))) {
    const r = mutateText(text, kind, rng);
    text = r.text;
    mutations.push(r.mutation);
  }
  let bytes: Buffer = Buffer.from(text, 'utf8');
  for (const kind of chosen) {
    if (kind !== 'insert-bytes') continue;
    const r = insertBytes(bytes, rng);
    bytes = r.bytes;
    mutations.push(r.mutation);
  }
  if (bytes.length > HUGE_SPEC_BYTES && !mutations.some((m) => m.known === 'huge-spec')) {
    // Large only through several mutations together: counts as a huge spec all the same.
    if (avoid.has('huge-spec')) return mutate(original, caseSeed(seed, 0), options);
    mutations.push({ kind: chosen[0], detail: `the file has ${bytes.length} bytes`, known: 'huge-spec' });
  }
  return { bytes, mutations };
}
