// `edit` under `extends`: a child changes items of its parent's list without restating the list.
// This module reads one list's edits (`{ at: 3, replace: ... }`, `{ at: feat, set: ... }`,
// `{ at: -1, remove: true }`, `{ after: feat, insert: [...] }`), finds each target in the
// parent's list (an index, negative from the end; or a name: the item whose `id` or `name` it
// is, or a plain string item equal to it) and plans the result: which edit changes which
// parent item, and what is inserted around each. It reports GS010 (no such item), GS011 (`set`
// on an item that is no mapping) and GS012 (a malformed edit, or two edits on one item); the
// values themselves are merged by merge.ts. Imports diagnostics.ts and suggest.ts only.
import { formatValue, type Which } from './diagnostics';
import { closest } from './suggest';

export type EditOp =
  | { kind: 'replace'; value: unknown }
  | { kind: 'set'; value: Record<string, unknown> }
  | { kind: 'remove' }
  | { kind: 'insert'; values: unknown[] };

/** An edit that found its target: its place in the `edit` list and what it does. */
export interface PlannedEdit {
  edit: number;
  op: EditOp;
}

export interface EditPlan {
  /** Per parent item: the edit that replaces, sets or removes it; undefined: the item is kept. */
  change: (PlannedEdit | undefined)[];
  /** Per parent item: the inserts placed before it and after it, in the order they are written. */
  before: PlannedEdit[][];
  after: PlannedEdit[][];
}

export interface EditProblem {
  code: 'GS010' | 'GS011' | 'GS012';
  /** Segments below the `edit` list: [] for the list itself, [2, 'at'] for edit 2's target. */
  path: (string | number)[];
  which: Which;
  message: string;
  hint?: string;
  /** The edit that already changes the same item (for "the other edit is on line N"). */
  other?: number;
}

const TARGETS = ['at', 'after', 'before'] as const;
const OPERATIONS = ['replace', 'set', 'remove', 'insert'] as const;
const KEYS: readonly string[] = [...TARGETS, ...OPERATIONS];
const SHAPE = "each edit is { at: ITEM, replace: VALUE | set: { KEY: VALUE } | remove: true } or { after | before: ITEM, insert: [VALUE, ...] }";

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** The name an item answers to: its `id`, else its `name`, else the item itself when it is a string. */
export function itemName(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (!isPlainObject(item)) return undefined;
  if (typeof item.id === 'string') return item.id;
  if (typeof item.name === 'string') return item.name;
  return undefined;
}

/** Plans `edits` (the value of `edit:`) against the parent's `list`, called `what` in messages. */
export function planEdits(list: readonly unknown[], edits: unknown, what: string): { plan: EditPlan; problems: EditProblem[] } {
  const plan: EditPlan = { change: list.map(() => undefined), before: list.map(() => []), after: list.map(() => []) };
  const problems: EditProblem[] = [];
  const problem = (p: EditProblem) => problems.push(p);
  if (!Array.isArray(edits) || edits.length === 0) {
    const got = Array.isArray(edits) ? 'an empty list' : formatValue(edits);
    problem({ code: 'GS012', path: [], which: 'value', message: `'edit' takes a list of edits (got ${got})`, hint: SHAPE });
    return { plan, problems };
  }
  edits.forEach((edit, i) => {
    const read = readEdit(edit, i, problem);
    if (!read) return;
    const index = findTarget(list, read.target, read.value, what, (p) => problem({ ...p, path: [i, read.target] }));
    if (index === undefined) return;
    const planned: PlannedEdit = { edit: i, op: read.op };
    if (read.op.kind === 'insert') {
      (read.target === 'before' ? plan.before : plan.after)[index].push(planned);
      return;
    }
    const earlier = plan.change[index];
    if (earlier) {
      problem({
        code: 'GS012',
        path: [i, 'at'],
        which: 'value',
        message: `item ${index} of the parent's '${what}' is already changed by edit ${earlier.edit}: one edit per item`,
        hint: 'combine the two into one edit',
        other: earlier.edit,
      });
      return;
    }
    if (read.op.kind === 'set' && !isPlainObject(list[index])) {
      problem({
        code: 'GS011',
        path: [i, 'set'],
        which: 'key',
        message: `'set' merges keys into a mapping, but item ${index} of the parent's '${what}' is ${formatValue(list[index])}`,
        hint: 'use replace',
      });
      return;
    }
    plan.change[index] = planned;
  });
  return { plan, problems };
}

/** One edit's target key, its value and its operation; undefined (reported) when it is malformed. */
function readEdit(edit: unknown, i: number, problem: (p: EditProblem) => void): { target: (typeof TARGETS)[number]; value: unknown; op: EditOp } | undefined {
  if (!isPlainObject(edit)) {
    problem({ code: 'GS012', path: [i], which: 'value', message: `edit ${i} is ${formatValue(edit)}, not a mapping`, hint: SHAPE });
    return undefined;
  }
  const keys = Object.keys(edit);
  const unknown = keys.find((k) => !KEYS.includes(k));
  if (unknown !== undefined) {
    const near = closest(unknown, KEYS);
    const hint = near ? `did you mean '${near}'?` : SHAPE;
    problem({ code: 'GS012', path: [i, unknown], which: 'key', message: `an edit has no key ${formatValue(unknown)}: it takes ${KEYS.join(', ')}`, hint });
    return undefined;
  }
  const targets = TARGETS.filter((k) => k in edit);
  const operations = OPERATIONS.filter((k) => k in edit);
  if (targets.length !== 1) {
    const message = targets.length === 0 ? `edit ${i} names no item: it needs 'at', 'after' or 'before'` : `edit ${i} names two places: '${targets[0]}' and '${targets[1]}'`;
    problem({ code: 'GS012', path: targets.length === 0 ? [i] : [i, targets[1]], which: targets.length === 0 ? 'value' : 'key', message, hint: SHAPE });
    return undefined;
  }
  if (operations.length !== 1) {
    const message = operations.length === 0 ? `edit ${i} does nothing: it needs replace, set, remove or insert` : `edit ${i} does two things: '${operations[0]}' and '${operations[1]}'`;
    problem({ code: 'GS012', path: operations.length === 0 ? [i] : [i, operations[1]], which: operations.length === 0 ? 'value' : 'key', message, hint: SHAPE });
    return undefined;
  }
  const [target] = targets;
  const [operation] = operations;
  if ((target === 'at') !== (operation !== 'insert')) {
    const message = operation === 'insert' ? `'insert' goes with 'after' or 'before', not 'at'` : `'${operation}' goes with 'at', not '${target}'`;
    problem({ code: 'GS012', path: [i, target], which: 'key', message, hint: SHAPE });
    return undefined;
  }
  const value = edit[operation];
  const bad = (message: string) => {
    problem({ code: 'GS012', path: [i, operation], which: 'value', message });
    return undefined;
  };
  switch (operation) {
    case 'replace':
      return { target, value: edit[target], op: { kind: 'replace', value } };
    case 'set':
      if (!isPlainObject(value)) return bad(`'set' takes a mapping of the keys to merge into the item (got ${formatValue(value)})`);
      return { target, value: edit[target], op: { kind: 'set', value } };
    case 'remove':
      if (value !== true) return bad(`'remove' takes true (got ${formatValue(value)})`);
      return { target, value: edit[target], op: { kind: 'remove' } };
    case 'insert':
      if (!Array.isArray(value) || value.length === 0) return bad(`'insert' takes a list of the items to insert (got ${Array.isArray(value) ? 'an empty list' : formatValue(value)})`);
      return { target, value: edit[target], op: { kind: 'insert', values: value } };
  }
}

/** The parent's item a target names, or undefined (reported). */
function findTarget(list: readonly unknown[], key: string, target: unknown, what: string, problem: (p: Omit<EditProblem, 'path'>) => void): number | undefined {
  if (typeof target === 'number' && Number.isInteger(target)) {
    if (target >= -list.length && target < list.length) return target < 0 ? list.length + target : target;
    const range = list.length === 0 ? 'no items' : `${list.length} (0 to ${list.length - 1}, or -${list.length} to -1)`;
    problem({ code: 'GS010', which: 'value', message: `there is no item ${target}: the parent's '${what}' has ${range}` });
    return undefined;
  }
  if (typeof target !== 'string') {
    problem({ code: 'GS012', which: 'value', message: `'${key}' is an item's index (negative from the end) or its id or name (got ${formatValue(target)})` });
    return undefined;
  }
  const names = list.map(itemName);
  const found = names.flatMap((n, i) => (n === target ? [i] : []));
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    problem({ code: 'GS010', which: 'value', message: `${formatValue(target)} names ${found.length} items of the parent's '${what}' (${found.join(' and ')})`, hint: 'use an index' });
    return undefined;
  }
  const known = names.filter((n): n is string => n !== undefined);
  const near = closest(target, known);
  const hint = near ? `did you mean '${near}'?` : known.length > 0 ? `its items are named ${known.map((n) => formatValue(n)).join(', ')}` : 'no item has an id or a name: use an index';
  problem({ code: 'GS010', which: 'value', message: `the parent's '${what}' has no item named ${formatValue(target)}`, hint });
  return undefined;
}
