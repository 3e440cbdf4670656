// Stage 1, load (parse): reads a YAML or JSON spec (JSON is parsed as YAML) into a plain
// document, keeps the YAML syntax tree to map JSON pointers back to line:col, and records syntax
// problems, duplicate keys and what limits.ts refuses (too many nodes, prototype keys) as
// diagnostics instead of throwing.

import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLError,
} from 'yaml';
import { formatValue, type Code, type Diagnostic, type Position, type Which } from './diagnostics';
import { isReservedKey, MAX_ALIAS_COUNT, reservedKeyMessage, specTextProblem } from './limits';
import { escapeSegment, segmentsOf } from './pointer';
import { Reporter } from './report';

/**
 * Where a JSON pointer's value (or its key, when it has one) starts in the one source text.
 * A pointer that leads nowhere gives the nearest existing ancestor's key (or value).
 */
export type Locate = (pointer: string, which?: Which) => Omit<Position, 'file'>;

export interface ParsedSpec {
  /** The plain document: best effort after syntax errors, undefined when none could be built. */
  doc: unknown;
  locate: Locate;
  diagnostics: Diagnostic[];
  /** Whether the top level is a mapping (a YAML or JSON object): otherwise the file is no spec. */
  mapping: boolean;
}

/** One step down the tree: the node reached and the key node that named it, if any. */
interface Step {
  node: Node | null;
  key?: Node;
}

export function parseSpec(file: string, text: string): ParsedSpec {
  const at = lineColumn(text);
  const tooBig = specTextProblem(text);
  if (tooBig) {
    return { doc: undefined, locate: () => ({ line: 1, col: 1 }), mapping: false, diagnostics: [{ code: 'GS160', severity: 'error', message: tooBig.message, file, ...at(tooBig.offset), pointer: '' }] };
  }
  const document = parseDocument(text, { prettyErrors: false, merge: true });
  const found = new Reporter();
  // An unknown offset stands for the whole document.
  const report = (code: Code, severity: Diagnostic['severity'], offset: number | undefined, message: string, hint?: string) =>
    found.add({
      code,
      severity,
      message,
      file,
      ...(offset === undefined ? { line: 1, col: 1 } : at(offset)),
      pointer: offset === undefined ? '' : pointerAt(document, offset),
      hint,
    });

  for (const error of document.errors) {
    if (error.code === 'DUPLICATE_KEY') reportDuplicate(error);
    else if (error.code === 'MULTIPLE_DOCS') report('GS001', 'error', error.pos[0], 'a spec is a single YAML document');
    else report('GS001', 'error', error.pos[0], sentence(error.message));
  }
  for (const warning of document.warnings) report('GS001', 'warning', warning.pos[0], sentence(warning.message));
  for (const key of reservedKeys(document)) report('GS161', 'error', key.range?.[0], reservedKeyMessage(String(key.value)), 'rename the key');

  let doc: unknown;
  try {
    doc = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    // The yaml library stops alias expansion past maxAliasCount ("excessive alias count ...").
    if (/alias count/i.test(message)) report('GS160', 'error', undefined, `the spec's aliases (*name) expand more than ${MAX_ALIAS_COUNT} times: too many to be a spec`);
    else report('GS001', 'error', unresolvedAlias(document)?.range?.[0], sentence(message));
  }

  function reportDuplicate(error: YAMLError): void {
    const pointer = pointerAt(document, error.pos[0]);
    const key = segmentsOf(pointer).at(-1) ?? '';
    const first = walk(document, pointer).at(-1)?.key;
    const firstLine = first?.range ? at(first.range[0]).line : undefined;
    const hint = firstLine === undefined ? undefined : `first defined on line ${firstLine}`;
    report('GS007', 'error', error.pos[0], `duplicate key ${formatValue(key)}`, hint);
  }

  const locate: Locate = (pointer, which = 'value') => {
    const steps = walk(document, pointer);
    const reached = steps.length === segmentsOf(pointer).length + 1;
    const last = steps.at(-1)!;
    const start = last.key && (which === 'key' || !reached) ? last.key : last.node ?? last.key;
    return start?.range ? at(start.range[0]) : { line: 1, col: 1 };
  };

  return { doc, locate, diagnostics: found.all, mapping: isMap(document.contents) };
}

/** Every key that isReservedKey refuses, walking the tree without recursion. */
function reservedKeys(document: Document): Scalar[] {
  const found: Scalar[] = [];
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items as Pair<unknown, unknown>[]) {
        if (isScalar(pair.key) && typeof pair.key.value !== 'symbol' && isReservedKey(String(pair.key.value))) found.push(pair.key);
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      stack.push(...node.items);
    }
  }
  return found;
}

/**
 * Offsets to 1-based line:col, counted from the text itself: yaml's LineCounter misses the line
 * breaks inside tokens it rejects (an unterminated string, a misplaced block scalar), which put
 * later errors past the end of their line.
 */
function lineColumn(text: string): (offset: number) => Omit<Position, 'file'> {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo] + 1 };
  };
}

/** The steps from the root as far down the pointer as the tree goes (at least the root). */
function walk(document: Document, pointer: string): Step[] {
  const steps: Step[] = [{ node: document.contents }];
  for (const segment of segmentsOf(pointer)) {
    const node = deref(document, steps.at(-1)!.node);
    let next: Step | undefined;
    if (isMap(node)) {
      const pair = findPair(document, node.items as Pair<Node, Node | null>[], segment);
      if (pair) next = { node: pair.value, key: pair.key };
    } else if (isSeq(node) && /^(0|[1-9][0-9]*)$/.test(segment)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (item) next = { node: item };
    }
    if (!next) break;
    steps.push(next);
  }
  return steps;
}

/** The first pair with this key; keys brought in by `<<` merges are searched after own keys. */
function findPair(
  document: Document,
  pairs: Pair<Node, Node | null>[],
  key: string,
): Pair<Node, Node | null> | undefined {
  const own = pairs.find((p) => isScalar(p.key) && typeof p.key.value !== 'symbol' && String(p.key.value) === key);
  if (own) return own;
  for (const merge of pairs.filter((p) => isScalar(p.key) && typeof p.key.value === 'symbol')) {
    const sources = isSeq(merge.value) ? (merge.value.items as Node[]) : [merge.value];
    for (const source of sources) {
      const map = deref(document, source);
      const pair = isMap(map) ? findPair(document, map.items as Pair<Node, Node | null>[], key) : undefined;
      if (pair) return pair;
    }
  }
  return undefined;
}

function deref(document: Document, node: Node | null | undefined): Node | null {
  return (isAlias(node) ? (node.resolve(document) as Node | undefined) : node) ?? null;
}

/** The JSON pointer of the innermost key or value whose source range holds `offset`. */
function pointerAt(document: Document, offset: number): string {
  const holds = (node: Node | null | undefined) => !!node?.range && node.range[0] <= offset && offset < node.range[2];
  let pointer = '';
  let node: Node | null | undefined = document.contents;
  descend: while (node) {
    if (isMap(node)) {
      for (const pair of node.items as Pair<Node, Node | null>[]) {
        const segment: string | undefined = isScalar(pair.key) ? escapeSegment(String(pair.key.value)) : undefined;
        if (segment === undefined) continue;
        if (holds(pair.key)) return `${pointer}/${segment}`;
        if (holds(pair.value)) {
          [pointer, node] = [`${pointer}/${segment}`, pair.value];
          continue descend;
        }
      }
    } else if (isSeq(node)) {
      const index = (node.items as Node[]).findIndex(holds);
      if (index >= 0) {
        [pointer, node] = [`${pointer}/${index}`, node.items[index] as Node];
        continue descend;
      }
    }
    break;
  }
  return pointer;
}

function unresolvedAlias(document: Document): Node | undefined {
  let missing: Node | undefined;
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) {
        missing = alias;
        return visit.BREAK;
      }
    },
  });
  return missing;
}

/** The YAML library's messages start with a capital; ours are lower-case fragments. */
function sentence(message: string): string {
  return /^[A-Z][a-z]/.test(message) ? message[0].toLowerCase() + message.slice(1) : message;
}
