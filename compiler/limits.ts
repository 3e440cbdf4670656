// Limits on what a spec may be, so that no input crashes or exhausts the machine: the size and
// kind of a spec file, the number and nesting of YAML nodes, alias expansions, keys that would reach an
// object's prototype, and the nesting of expressions. Each limit is far above what the specs in
// specs/ use (the largest is 3 KB, about 300 nodes, expressions 4 levels deep). Imports nothing
// of ganspec's (node:fs and the yaml lexer only).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { CST, Lexer } from 'yaml';

/** Bytes a spec file may hold. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** YAML nodes (scalars, flow collections, aliases) a spec file may hold. */
export const MAX_SPEC_NODES = 5000;
/** Levels of lists and mappings inside one another in a spec file. */
export const MAX_SPEC_DEPTH = 64;
/** Alias expansions while a spec is turned into plain data (the yaml library's maxAliasCount). */
export const MAX_ALIAS_COUNT = 100;
/** Files an `extends` chain may pass through after the spec named (each up to MAX_SPEC_BYTES). */
export const MAX_EXTENDS = 16;
/** Layers of one network once its blocks and repeats are expanded. */
export const MAX_NETWORK_LAYERS = 2000;
/** Levels of nesting in a loss or preview expression: parentheses, calls, unary minus, heads. */
export const MAX_EXPR_DEPTH = 200;
/** Binary operators (+ - * /) in one loss or preview expression. */
export const MAX_EXPR_OPERATORS = 1000;

/** Keys that would read or replace an object's prototype instead of holding a value. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/** Why `key` cannot be a key of a spec (or a segment of a --set path). */
export function reservedKeyMessage(key: string): string {
  return `'${key}' cannot be a key: it names a part of every JavaScript object (__proto__, constructor and prototype are refused)`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * The text of a spec file, or what is wrong with the file: it must be a regular file (not a
 * device, pipe or folder, which could be read forever), of at most MAX_SPEC_BYTES, and text
 * (no NUL bytes). `shown` is the path as messages print it.
 */
export function readSpecFile(file: string, shown: string): { text: string } | { problem: string } {
  let fd: number;
  try {
    // Non-blocking: opening a pipe for reading would otherwise wait for a writer (fstat then refuses it).
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return { problem: `cannot read spec file ${shown}` };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { problem: `${shown} is a folder, not a spec file` };
    if (!stat.isFile()) return { problem: `${shown} is not a regular file (a device, pipe or socket), so not a spec` };
    if (stat.size > MAX_SPEC_BYTES) {
      return { problem: `${shown} is ${formatSize(stat.size)}: a spec file may be at most ${formatSize(MAX_SPEC_BYTES)}` };
    }
    // Never more than the limit, even if the file grows while it is read.
    const buffer = Buffer.alloc(MAX_SPEC_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > MAX_SPEC_BYTES) return { problem: `${shown} is more than ${formatSize(MAX_SPEC_BYTES)}: a spec file may be at most that` };
    if (buffer.subarray(0, length).includes(0)) return { problem: `${shown} is not a text file (it holds NUL bytes), so not a YAML or JSON spec` };
    return { text: buffer.toString('utf8', 0, length) };
  } catch {
    return { problem: `cannot read spec file ${shown}` };
  } finally {
    closeSync(fd);
  }
}

/**
 * What makes a spec text too big to compose, with the offset where it starts: more than
 * MAX_SPEC_NODES nodes, or lists and mappings nested more than MAX_SPEC_DEPTH deep. Read from
 * the yaml library's tokens, in linear time and without recursion, before the text is composed
 * into a document: composing checks each key of a mapping against all the others (quadratic),
 * and turning a deeply nested document into plain data recurses per level. Block nesting is
 * followed by indentation (a stack of the columns where lines and `- `/`? ` items start), flow
 * nesting by brackets; a value on a line of its own counts as a level, so this errs on the deep side.
 */
export function specTextProblem(text: string): { offset: number; message: string } | undefined {
  const tooDeep = (offset: number) => ({ offset, message: `the spec nests lists and mappings more than ${MAX_SPEC_DEPTH} levels deep: too deep to be a spec` });
  let nodes = 0;
  let offset = 0;
  let col = 0;
  let flow = 0;
  const indents: number[] = [];
  let lineStart = true;
  let afterItem = false;
  let scalarSource = false;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    // A plain or block scalar's source follows a zero-width SCALAR token (its type says nothing).
    const scalar = scalarSource;
    scalarSource = type === 'scalar';
    if (type === 'scalar' || type === 'doc-mode' || type === 'flow-error-end') continue;
    const node = scalar || type === 'single-quoted-scalar' || type === 'double-quoted-scalar' || type === 'alias' || type === 'flow-map-start' || type === 'flow-seq-start';
    const item = type === 'seq-item-ind' || type === 'explicit-key-ind';
    const content = node || item || type === 'block-scalar-header' || type === 'anchor' || type === 'tag';
    if (node && ++nodes > MAX_SPEC_NODES) return { offset, message: `the spec holds more than ${MAX_SPEC_NODES} YAML nodes (keys, values, list items): too many to be a spec` };
    if (content && flow === 0 && (lineStart || afterItem)) {
      while (indents.length > 0 && indents[indents.length - 1] >= col) indents.pop();
      indents.push(col);
    }
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
    if (indents.length + flow > MAX_SPEC_DEPTH) return tooDeep(offset);
    if (content) [lineStart, afterItem] = [false, item];
    offset += token.length;
    const newline = token.lastIndexOf('\n');
    if (newline < 0) col += token.length;
    else if ((col = token.length - newline - 1) === 0) [lineStart, afterItem] = [true, false];
  }
  return undefined;
}
