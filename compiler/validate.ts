// Stage 2, validate: checks the loaded spec against the JSON Schema with ajv and turns ajv's
// raw errors into few, precise diagnostics: positioned at the offending key or value, with
// did-you-mean hints and the schema's `x-hint` notes, and for oneOf/anyOf only the errors of
// the alternative that came closest to matching.

import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { Context } from './context';
import { formatValue, type Code, type Diagnostic, type Which } from './diagnostics';
import type { Locate } from './parse';
import { join, segmentsOf } from './pointer';
import { Reporter } from './report';
import { closest } from './suggest';

/** The schema of a spec (schema/ganspec.schema.json). */
export const SCHEMA = JSON.parse(readFileSync(new URL('../schema/ganspec.schema.json', import.meta.url), 'utf8')) as object;

type Schema = Record<string, unknown>;

/** A problem in schema terms, before it is placed in the source and worded. */
type Issue = { path: string; hint?: string } & (
  | { kind: 'unknownKey'; key: string; candidates: string[]; present: string[] }
  | { kind: 'missingKey'; keys: string[] }
  | { kind: 'type'; types: string[]; got: unknown }
  | { kind: 'value'; got: unknown; allowed: unknown[] }
  /** `key` set: the problem is the key named `key` itself. `generic`: says no more than "invalid". */
  | { kind: 'other'; code: Code; message: string; rank: number; key?: string; generic?: boolean }
);

/** One compiled schema, with what is needed to re-run single oneOf/anyOf alternatives. */
interface Compiled {
  ajv: Ajv2020;
  validate: ValidateFunction;
  /** JSON pointer of every object and array inside the schema, by identity. */
  pointers: Map<unknown, string>;
  /** Where `x-hint` notes met during the current run go, by instance path. */
  sink?: { base: string; hints: Map<string, string> };
}

/** The context of one validation run. */
interface Run {
  compiled: Compiled;
  hints: Map<string, string>;
}

const SCHEMA_KEY = 'spec';
const LIST_LIMIT = 10;
const compiledSchemas = new WeakMap<object, Compiled>();

/** Stage 2: the loaded document against the spec schema. */
export function validate(ctx: Context): void {
  for (const problem of schemaProblems(SCHEMA, ctx.doc)) reportProblem(ctx.report, problem);
}

/** `doc` against `schema`, as diagnostics in one file (`locate` places pointers in it). */
export function validateSpec(schema: object, doc: unknown, file: string, locate: Locate): Diagnostic[] {
  const report = new Reporter((pointer, which) => ({ file, ...locate(pointer, which) }));
  for (const problem of schemaProblems(schema, doc)) reportProblem(report, problem);
  return report.all;
}

/** A schema problem, worded but not yet placed in the source. */
export interface SchemaProblem {
  /** The value the message is about. */
  pointer: string;
  code: Code;
  message: string;
  /** With `lookup`: the hint when no candidate is close enough to suggest. */
  hint?: string;
  /** Where the problem is written: this pointer's key or value. */
  anchor: string;
  which: Which;
  /** A name looked up among candidates (an unknown key or value): the reporter suggests the closest. */
  lookup?: { what: string; name: string; candidates: string[] };
}

/** The problems of `doc` against `schema`, in the order ajv meets them. */
export function schemaProblems(schema: object, doc: unknown): SchemaProblem[] {
  const compiled = compiledSchemas.get(schema) ?? compile(schema);
  compiledSchemas.set(schema, compiled);
  const run: Run = { compiled, hints: new Map() };
  return tidy(collapse(run, execute(run, compiled.validate, doc, ''))).map(toProblem);
}

/** Reports a problem where it is written, or (`instead`) worded and placed otherwise. */
export function reportProblem(report: Reporter, problem: SchemaProblem, instead?: { pointer: string; message: string }): void {
  const { code, hint, lookup } = problem;
  const pointer = instead?.pointer ?? problem.pointer;
  const message = instead?.message ?? problem.message;
  const place = instead ? {} : { anchor: problem.anchor, which: problem.which };
  if (lookup) report.unknown(pointer, lookup.what, lookup.name, lookup.candidates, { code, hint, message, quote: 'value', ...place });
  else report.error(pointer, message, { code, hint, ...place });
}

function compile(schema: object): Compiled {
  const ajv = new Ajv2020({ allErrors: true, verbose: true });
  const compiled = { ajv, pointers: schemaPointers(schema) } as Compiled;
  ajv.addKeyword({
    keyword: 'x-hint',
    schemaType: 'string',
    // Never fails: only notes which hint applies where, including beside a `$ref`.
    validate: (hint: string, _data: unknown, _schema?: object, cxt?: { instancePath: string }) => {
      const sink = compiled.sink;
      const path = sink && cxt ? sink.base + cxt.instancePath : undefined;
      if (sink && path !== undefined && !sink.hints.has(path)) sink.hints.set(path, hint);
      return true;
    },
  });
  ajv.addSchema(schema, SCHEMA_KEY);
  compiled.validate = ajv.getSchema(SCHEMA_KEY)!;
  return compiled;
}

function schemaPointers(schema: object): Map<unknown, string> {
  const pointers = new Map<unknown, string>();
  const visit = (node: unknown, pointer: string) => {
    if (node === null || typeof node !== 'object' || pointers.has(node)) return;
    pointers.set(node, pointer);
    for (const [key, child] of Object.entries(node)) visit(child, join(pointer, key));
  };
  visit(schema, '');
  return pointers;
}

/** Runs a validator on data found at `base`, returning its errors with full instance paths. */
function execute(run: Run, validate: ValidateFunction, data: unknown, base: string): ErrorObject[] {
  run.compiled.sink = { base, hints: run.hints };
  validate(data);
  run.compiled.sink = undefined;
  return (validate.errors ?? []).map((e) => ({ ...e, instancePath: base + e.instancePath }));
}

/**
 * Issues for ajv's errors in evaluation order. ajv reports an alternative's errors just
 * before the failed oneOf/anyOf, so walking backwards, each combinator's errors are the
 * ones that its alternatives give when re-run alone: they are replaced by the best one's.
 */
function collapse(run: Run, errors: ErrorObject[]): Issue[] {
  const groups: Issue[][] = [];
  let i = errors.length - 1;
  while (i >= 0) {
    const error = errors[i];
    const alternatives = error.keyword === 'oneOf' || error.keyword === 'anyOf' ? rerun(run, error) : undefined;
    const span = alternatives?.reduce((n, a) => n + a.count, 0) ?? 0;
    if (alternatives && span <= i && errors.slice(i - span, i).every((e) => within(e.instancePath, error.instancePath))) {
      groups.push(choose(run, error, alternatives));
      i -= span + 1;
    } else {
      groups.push(toIssues(run, error));
      i -= 1;
    }
  }
  return groups.reverse().flat();
}

interface Alternative {
  count: number;
  issues: Issue[];
}

/** Each alternative of a failed combinator validated alone on the same data. */
function rerun(run: Run, error: ErrorObject): Alternative[] | undefined {
  const { ajv, pointers } = run.compiled;
  const pointer = pointers.get(error.schema);
  if (pointer === undefined || !Array.isArray(error.schema)) return undefined;
  const validators = error.schema.map((_, index) => {
    const fragment = `${pointer}/${index}`.split('/').map(encodeURIComponent).join('/');
    return ajv.getSchema(`${SCHEMA_KEY}#${fragment}`);
  });
  if (validators.some((v) => v === undefined)) return undefined;
  return validators.map((validate) => {
    const errors = execute(run, validate!, error.data, error.instancePath);
    return { count: errors.length, issues: tidy(collapse(run, errors)) };
  });
}

/**
 * The issues of the alternative that got furthest: its deepest issue is deepest (past the
 * type check counts as deeper), then it has the fewest issues. Equally good alternatives
 * keep only what they all report; when that is nothing, one generic issue remains.
 */
function choose(run: Run, error: ErrorObject, alternatives: Alternative[]): Issue[] {
  const passing = error.params.passingSchemas as number[] | null | undefined;
  if (Array.isArray(passing)) {
    const which = passing.map((n) => n + 1).join(' and ');
    const message = `matches more than one allowed form (forms ${which})`;
    return [{ kind: 'other', code: 'GS009', path: error.instancePath, message, rank: 1, hint: hintFor(run, error) }];
  }
  const score = (a: Alternative) => Math.max(...a.issues.map((issue) => depth(issue.path) * 4 + rank(issue)));
  const best = Math.max(...alternatives.map(score));
  const furthest = alternatives.filter((a) => score(a) === best);
  const fewest = Math.min(...furthest.map((a) => a.issues.length));
  const chosen = furthest.filter((a) => a.issues.length === fewest).map((a) => a.issues);
  const shared = chosen.length === 1 ? chosen[0] : common(chosen);
  if (shared.length > 0) return shared;
  const message = 'matches none of the allowed forms';
  return [{ kind: 'other', code: 'GS009', path: error.instancePath, message, rank: 1, generic: true, hint: hintFor(run, error) }];
}

/** The issues found in every list, merging what they allow (keys, values) across lists. */
function common(lists: Issue[][]): Issue[] {
  const signature = (issue: Issue, list: Issue[]): string => {
    switch (issue.kind) {
      case 'unknownKey':
        return `u${issue.path}/${issue.key}`;
      case 'missingKey': {
        // Alternatives that each miss one key at the same place miss "one of" those keys.
        const alone = list.filter((other) => other.kind === 'missingKey' && other.path === issue.path).length === 1;
        return alone ? `m${issue.path}` : `m${issue.path}/${issue.keys.join('/')}`;
      }
      case 'type':
        return `t${issue.path}`;
      case 'value':
        return `v${issue.path}`;
      case 'other':
        return `o${issue.path}/${issue.message}`;
    }
  };
  const indexed = lists.map((list) => new Map(list.map((issue) => [signature(issue, list), issue])));
  const result: Issue[] = [];
  for (const [sig, first] of indexed[0]) {
    const all = indexed.map((map) => map.get(sig));
    if (all.some((issue) => issue === undefined)) continue;
    result.push(all.reduce((a, b) => merge(a!, b!), first)!);
  }
  return result;
}

function merge(a: Issue, b: Issue): Issue {
  const union = <T>(x: T[], y: T[]) => [...new Set([...x, ...y])];
  if (a.kind === 'unknownKey' && b.kind === 'unknownKey') return { ...a, candidates: union(a.candidates, b.candidates) };
  if (a.kind === 'missingKey' && b.kind === 'missingKey') return { ...a, keys: union(a.keys, b.keys) };
  if (a.kind === 'type' && b.kind === 'type') return { ...a, types: union(a.types, b.types) };
  if (a.kind === 'value' && b.kind === 'value') return { ...a, allowed: union(a.allowed, b.allowed) };
  return a;
}

/**
 * Drops what follows from another issue: a value's enum error beside its type error, a
 * missing key that an unknown key's suggestion names, and generic issues wherever a
 * specific one is at or below the same place.
 */
function tidy(issues: Issue[]): Issue[] {
  const typed = new Set(issues.filter((i) => i.kind === 'type').map((i) => i.path));
  const suggested = new Set(
    issues.flatMap((i) => {
      const match = i.kind === 'unknownKey' ? closest(i.key, unpresent(i)) : undefined;
      return match === undefined ? [] : [`${i.path}/${match}`];
    }),
  );
  const specific = issues.filter((i) => !(i.kind === 'other' && i.generic));
  return issues.filter((issue) => {
    if (issue.kind === 'value') return !typed.has(issue.path);
    if (issue.kind === 'missingKey') return !issue.keys.some((key) => suggested.has(`${issue.path}/${key}`));
    if (issue.kind === 'other' && issue.generic) return !specific.some((s) => within(s.path, issue.path));
    return true;
  });
}

/** How far past the type check an issue at its depth is. */
function rank(issue: Issue): number {
  if (issue.kind === 'other') return issue.rank;
  return issue.kind === 'type' ? 0 : issue.kind === 'value' ? 1 : 2;
}

/** The issues one raw ajv error stands for (none for those that only summarise others). */
function toIssues(run: Run, e: ErrorObject): Issue[] {
  const path = e.instancePath;
  const hint = hintFor(run, e);
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Schema;
  const other = (code: Code, message: string): Issue[] => [{ kind: 'other', code, path, message, rank: 2, hint }];
  const got = formatValue(e.data);
  if (e.propertyName !== undefined) return keyIssue(e, hint);
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = String(params.additionalProperty ?? params.unevaluatedProperty);
      const candidates = Object.keys((parent.properties ?? {}) as Schema);
      // Only which candidates are present matters: a mapping with thousands of keys must not cost thousands each.
      const present = isObject(e.data) ? candidates.filter((c) => Object.hasOwn(e.data as Schema, c)) : [];
      return [{ kind: 'unknownKey', path, key, candidates, present, hint }];
    }
    case 'required':
    case 'dependentRequired': {
      const key = String(params.missingProperty);
      const because = e.keyword === 'dependentRequired' ? `needed with ${formatValue(params.property)}` : undefined;
      return [{ kind: 'missingKey', path, keys: [key], hint: because ?? propertyHint(run, parent, key) ?? propertyHint(run, schemaAt(run, path), key) ?? hint }];
    }
    case 'type':
      return [{ kind: 'type', path, types: String(params.type).split(','), got: e.data, hint }];
    case 'enum':
      return [{ kind: 'value', path, got: e.data, allowed: params.allowedValues as unknown[], hint }];
    case 'const':
      return [{ kind: 'value', path, got: e.data, allowed: [params.allowedValue], hint }];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return other('GS005', `must be ${params.comparison} ${params.limit} (got ${got})`);
    case 'multipleOf':
      return other('GS005', `must be a multiple of ${params.multipleOf} (got ${got})`);
    case 'minItems':
    case 'maxItems':
      return other('GS005', `${bound(e.keyword, params.limit, 'item')} (got ${size(e.data)})`);
    case 'minProperties':
    case 'maxProperties':
      return other('GS005', `${bound(e.keyword, params.limit, 'key')} (got ${size(e.data)})`);
    case 'minLength':
    case 'maxLength':
      return other('GS005', `${bound(e.keyword, params.limit, 'character')} (got ${got})`);
    case 'pattern':
      return other('GS008', `must match ${params.pattern} (got ${got})`);
    case 'format':
      return other('GS008', `must be a valid ${params.format} (got ${got})`);
    case 'uniqueItems':
      return other('GS009', `must not repeat items (items ${params.j} and ${params.i} are equal)`);
    case 'not':
      return other('GS009', 'is not allowed here');
    case 'propertyNames':
      return []; // its keys' own errors say more
    default: // oneOf, anyOf, if, contains, ...: ajv's message, unless something says more
      return [{ kind: 'other', code: 'GS009', path, message: e.message ?? 'is invalid', rank: 1, generic: true, hint }];
  }
}

/** An error about a key's name itself (from `propertyNames`). */
function keyIssue(e: ErrorObject, hint: string | undefined): Issue[] {
  const key = e.propertyName!;
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'enum' || e.keyword === 'const') {
    const allowed = (e.keyword === 'enum' ? params.allowedValues : [params.allowedValue]) as unknown[];
    const candidates = allowed.filter((v): v is string => typeof v === 'string');
    return [{ kind: 'unknownKey', path: e.instancePath, key, candidates, present: [], hint }];
  }
  const rule = e.keyword === 'pattern' ? `must match ${params.pattern}` : e.message ?? 'is invalid';
  const message = `key ${formatValue(key)} ${rule}`;
  return [{ kind: 'other', code: 'GS008', path: e.instancePath, key, message, rank: 2, hint }];
}

function toProblem(issue: Issue): SchemaProblem {
  const { path } = issue;
  switch (issue.kind) {
    case 'unknownKey': {
      const hint = issue.hint ?? listHint('allowed keys:', issue.candidates);
      const lookup = { what: 'key', name: issue.key, candidates: unpresent(issue) };
      return { pointer: path, code: 'GS002', message: `unknown key ${formatValue(issue.key)}`, hint, anchor: join(path, issue.key), which: 'key', lookup };
    }
    case 'missingKey': {
      const keys = issue.keys.map(formatValue).join(', ');
      const message = issue.keys.length === 1 ? `missing key ${keys}` : `missing one of the keys ${keys}`;
      return { pointer: path, code: 'GS003', message, hint: issue.hint, anchor: path, which: 'key' };
    }
    case 'type': {
      const message = `must be ${issue.types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')} (got ${formatValue(issue.got)})`;
      return { pointer: path, code: 'GS004', message, hint: issue.hint, anchor: path, which: 'value' };
    }
    case 'value': {
      const words = issue.allowed.filter((v): v is string => typeof v === 'string');
      const hint = issue.hint ?? listHint(issue.allowed.length === 1 ? 'expected' : 'expected one of', issue.allowed);
      const lookup = typeof issue.got === 'string' ? { what: 'value', name: issue.got, candidates: words } : undefined;
      return { pointer: path, code: 'GS006', message: `unknown value ${formatValue(issue.got)}`, hint, anchor: path, which: 'value', lookup };
    }
    case 'other': {
      const at = issue.key === undefined ? { anchor: path, which: 'value' as const } : { anchor: join(path, issue.key), which: 'key' as const };
      return { pointer: path, code: issue.code, message: issue.message, hint: issue.hint, ...at };
    }
  }
}

/** The schema's `x-hint` for the value an error is about: on the failing subschema, else beside a `$ref` to it. */
function hintFor(run: Run, e: ErrorObject): string | undefined {
  const own = (e.parentSchema as Schema | undefined)?.['x-hint'];
  return typeof own === 'string' ? own : run.hints.get(e.instancePath);
}

/** The `x-hint` of a property's schema, looking through one local `$ref`. */
function propertyHint(run: Run, parent: Schema | undefined, key: string): string | undefined {
  const properties = (parent?.properties ?? {}) as Record<string, Schema | undefined>;
  const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
  if (typeof property?.['x-hint'] === 'string') return property['x-hint'];
  const hint = target(run, property)?.['x-hint'];
  return typeof hint === 'string' ? hint : undefined;
}

/** What a schema's local `$ref` points at (undefined when it has none). */
function target(run: Run, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  return run.compiled.ajv.getSchema(`${SCHEMA_KEY}${ref}`)?.schema as Schema | undefined;
}

/**
 * The schema a value at `path` gets through `properties`, `additionalProperties` and `items`
 * alone (following local `$ref`s), where a `required` stands apart from its properties: the
 * top level's `else` requires what a spec with `extends` may leave to its parent.
 */
function schemaAt(run: Run, path: string): Schema | undefined {
  const follow = (schema: Schema | undefined) => target(run, schema) ?? schema;
  let node = follow(run.compiled.validate.schema as Schema);
  for (const segment of segmentsOf(path)) {
    const properties = (node?.properties ?? {}) as Record<string, Schema>;
    const next = Object.hasOwn(properties, segment) ? properties[segment] : (node?.additionalProperties ?? node?.items);
    node = isObject(next) ? follow(next) : undefined;
  }
  return node;
}

function unpresent(issue: Issue & { kind: 'unknownKey' }): string[] {
  return issue.candidates.filter((c) => !issue.present.includes(c));
}

function listHint(lead: string, values: unknown[]): string | undefined {
  if (values.length === 0) return undefined;
  const shown = values.slice(0, LIST_LIMIT).map(formatValue).join(', ');
  const more = values.length > LIST_LIMIT ? ` and ${values.length - LIST_LIMIT} more` : '';
  return `${lead} ${shown}${more}`;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

function bound(keyword: string, limit: unknown, unit: string): string {
  const verb = keyword.endsWith('Length') ? 'be' : 'have';
  const amount = `${keyword.startsWith('min') ? 'at least' : 'at most'} ${limit} ${unit}${limit === 1 ? '' : 's'}`;
  return verb === 'be' ? `must be ${amount} long` : `must have ${amount}`;
}

function size(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return isObject(value) ? Object.keys(value).length : 0;
}

function isObject(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function depth(pointer: string): number {
  return pointer === '' ? 0 : pointer.split('/').length - 1;
}

/** Whether `pointer` is `ancestor` or lies below it. */
function within(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}
