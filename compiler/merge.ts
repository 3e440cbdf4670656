// Merging the documents of an `extends` chain (parent first): objects merge key by key, other
// values replace, and where the child writes a list of layers, phases or preview entries as
// `{ edit: [...] }`, the result is the parent's list with those edits applied (edit.ts plans
// them). Every merged value remembers which document and JSON pointer it was written at (a
// Source), so a diagnostic about an inserted layer or an edited key points into the child's
// file, and one about a kept item into the parent's. Reports GS010-GS012 through `report`.
// Imports diagnostics.ts, edit.ts and pointer.ts only.
import type { Which } from './diagnostics';
import { planEdits, type EditProblem, type PlannedEdit } from './edit';
import { escapeSegment, segmentsOf } from './pointer';

/** A place in one document of the chain: its index (0 is the farthest parent) and a JSON pointer. */
export interface Origin {
  doc: number;
  pointer: string;
}

/** Where a merged value was written and, for the parts that were written elsewhere, where those were. */
export interface Source {
  origin: Origin;
  parts?: Map<string, Source>;
}

export interface MergeProblem {
  code: EditProblem['code'];
  at: Origin;
  which: Which;
  message: string;
  hint?: string;
  /** Another edit the problem is about (the first of two edits on one item). */
  other?: Origin;
}

/**
 * The lists that take `edit`, as merged-document paths ('*': any name). schema/ganspec.schema.json
 * accepts `{ edit: [...] }` at exactly these places (test/unit-merge.test.ts checks both agree).
 */
export const EDITABLE: readonly (readonly string[])[] = [
  ['networks', '*', 'layers'],
  ['networks', '*', 'outputs', '*'],
  ['blocks', '*', 'layers'],
  ['schedule', 'phases'],
  ['preview', 'show'],
  ['preview', 'per_row'],
  ['preview', 'per_col'],
];

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

const isEditable = (path: readonly string[]) => EDITABLE.some((p) => p.length === path.length && p.every((s, i) => s === '*' || s === path[i]));

/** `{ edit: ... }` and nothing else: the child edits the parent's list here. */
const isEditForm = (x: unknown): x is { edit: unknown } => isPlainObject(x) && Object.keys(x).length === 1 && 'edit' in x;

/**
 * An edit form anywhere: at a place that takes edits, any `{ edit: ... }`; elsewhere only one
 * that cannot be meant otherwise (a non-empty list of mappings each with at, after or before),
 * so a head or an input named `edit` stays one.
 */
function looksLikeEdit(x: unknown, path: readonly string[]): x is { edit: unknown } {
  if (!isEditForm(x)) return false;
  if (isEditable(path)) return true;
  const { edit } = x;
  return Array.isArray(edit) && edit.length > 0 && edit.every((e) => isPlainObject(e) && ('at' in e || 'after' in e || 'before' in e));
}

const below = (origin: Origin, ...segments: (string | number)[]): Origin => ({
  doc: origin.doc,
  pointer: origin.pointer + segments.map((s) => '/' + escapeSegment(s)).join(''),
});

/** The source of one part of a merged value. */
export function partOf(source: Source, segment: string): Source {
  return source.parts?.get(segment) ?? { origin: below(source.origin, segment) };
}

/** Where the value at `pointer` of the merged document was written (or its nearest ancestor, plus the rest of the pointer). */
export function originOf(source: Source, pointer: string): Origin {
  let node = source;
  const segments = segmentsOf(pointer);
  for (const [i, segment] of segments.entries()) {
    const next = node.parts?.get(segment);
    if (!next) return below(node.origin, ...segments.slice(i));
    node = next;
  }
  return node.origin;
}

/** Merges `docs` (parent first) into one document and its Source. */
export function mergeChain(docs: readonly unknown[], report: (p: MergeProblem) => void): { doc: unknown; source: Source } {
  let doc: unknown = {};
  let source: Source = { origin: { doc: 0, pointer: '' } };
  docs.forEach((d, i) => {
    [doc, source] = mergeAt([], doc, source, d, { doc: i, pointer: '' }, report);
  });
  return { doc, source };
}

/** Plain merging of values without edits or sources (objects key by key; lists and values replace). */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeValues(base[k], v) : v;
  return out;
}

/** `over` (written at `at`, never itself merged) merged onto `base` (with its Source), at the merged document's `path`. */
function mergeAt(path: string[], base: unknown, baseSource: Source, over: unknown, at: Origin, report: (p: MergeProblem) => void): [unknown, Source] {
  if (looksLikeEdit(over, path)) {
    if (Array.isArray(base) && isEditable(path)) return applyEdits(path, base, baseSource, over.edit, at, report);
    notAList(path, base, at, report);
    return [base, baseSource];
  }
  if (!isPlainObject(base) || !isPlainObject(over)) {
    refuseEdits(path, over, at, report);
    return [over, { origin: at }];
  }
  const out: Record<string, unknown> = { ...base };
  const parts = new Map<string, Source>();
  for (const k of Object.keys(base)) parts.set(k, partOf(baseSource, k));
  for (const [k, v] of Object.entries(over)) {
    const own = Object.hasOwn(base, k);
    const [value, source] = mergeAt([...path, k], own ? base[k] : undefined, own ? partOf(baseSource, k) : { origin: below(at, k) }, v, below(at, k), report);
    out[k] = value;
    parts.set(k, source);
  }
  return [out, { origin: at, parts }];
}

/** Reports every edit form inside a value written in full (a new network, an inserted item). */
function refuseEdits(path: string[], value: unknown, at: Origin, report: (p: MergeProblem) => void): void {
  const stack: [string[], unknown, Origin][] = [[path, value, at]];
  while (stack.length > 0) {
    const [p, v, o] = stack.pop()!;
    if (looksLikeEdit(v, p)) notAList(p, undefined, o, report);
    else if (Array.isArray(v)) v.forEach((item, i) => stack.push([[...p, String(i)], item, below(o, i)]));
    else if (isPlainObject(v)) for (const [k, item] of Object.entries(v)) stack.push([[...p, k], item, below(o, k)]);
  }
}

/** An edit form at `at` where the parent has no list it may edit (`base`); document 0 extends none. */
function notAList(path: string[], base: unknown, at: Origin, report: (p: MergeProblem) => void): void {
  const name = path.at(-1) ?? '';
  const what =
    at.doc === 0
      ? 'this spec extends no other'
      : base === undefined
        ? `the parent has no '${name}' here`
        : Array.isArray(base)
          ? `'${name}' is not a list of layers, phases or preview entries`
          : `'${name}' is ${isPlainObject(base) ? 'a mapping' : 'a single value'} in the parent, not a list`;
  const hint = isPlainObject(base) ? 'edit the lists inside it, under their names' : `write '${name}' in full`;
  report({ code: 'GS011', at: below(at, 'edit'), which: 'key', message: `'edit' changes a list of the parent spec, but ${what}`, hint });
}

/** The parent's `list` with the edits of `{ edit: edits }` (written at `listAt`) applied. */
function applyEdits(path: string[], list: unknown[], listSource: Source, edits: unknown, listAt: Origin, report: (p: MergeProblem) => void): [unknown, Source] {
  const at = below(listAt, 'edit');
  const { plan, problems } = planEdits(list, edits, path.at(-1) ?? '');
  for (const p of problems) {
    report({ code: p.code, at: below(at, ...p.path), which: p.which, message: p.message, hint: p.hint, ...(p.other === undefined ? {} : { other: below(at, p.other, 'at') }) });
  }
  const out: unknown[] = [];
  const parts = new Map<string, Source>();
  const push = (value: unknown, source: Source) => {
    parts.set(String(out.length), source);
    out.push(value);
  };
  const insert = (edits: PlannedEdit[]) => {
    for (const { edit, op } of edits) {
      if (op.kind !== 'insert') continue;
      op.values.forEach((v, m) => {
        const origin = below(at, edit, 'insert', m);
        refuseEdits([...path, String(out.length)], v, origin, report);
        push(v, { origin });
      });
    }
  };
  list.forEach((item, i) => {
    insert(plan.before[i]);
    const change = plan.change[i];
    const kept = partOf(listSource, String(i));
    if (!change) push(item, kept);
    else if (change.op.kind === 'replace') {
      const origin = below(at, change.edit, 'replace');
      refuseEdits([...path, String(out.length)], change.op.value, origin, report);
      push(change.op.value, { origin });
    } else if (change.op.kind === 'set') {
      push(...mergeAt([...path, String(out.length)], item, kept, change.op.value, below(at, change.edit, 'set'), report));
    }
    insert(plan.after[i]);
  });
  return [out, { origin: listAt, parts }];
}
