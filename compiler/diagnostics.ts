// Diagnostics: the one shape of every problem the compiler reports (code, position, JSON
// pointer, message, hint), the one Position type, the catalogue of codes, and compiler-style
// rendering. Collecting them is compiler/report.ts's job. Imports nothing.

/** A place in a source text. */
export interface Position {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units like the source text */
  col: number;
}

/** The key that names a value (`conv2dd:`), or the value itself. */
export type Which = 'key' | 'value';

/**
 * Where a JSON pointer's value (or its key) starts, across the files a spec was loaded from.
 * A pointer that leads nowhere gives the nearest existing ancestor's place.
 */
export type Where = (pointer: string, which?: Which) => Position;

export interface Diagnostic extends Position {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** JSON pointer into the spec document; '' for the whole document or no particular value */
  pointer: string;
  hint?: string;
}

/** Every code the compiler can report, with a short title. GS0xx: parse and schema. */
export const codes = {
  GS001: 'syntax error',
  GS002: 'unknown key',
  GS003: 'missing key',
  GS004: 'wrong type',
  GS005: 'value out of range',
  GS006: 'unknown value',
  GS007: 'duplicate key',
  GS008: 'malformed value',
  GS009: 'no allowed form matches',
  // GS010-GS012: `edit` of a parent's list under `extends` (compiler/edit.ts, compiler/merge.ts).
  GS010: 'edit target not found',
  GS011: 'edit where the parent has no list',
  GS012: 'malformed or conflicting edit',
  // GS1xx: resolve, check and lower.
  GS100: 'invalid spec',
  GS101: 'unknown block parameter',
  GS102: 'malformed layer entry',
  GS103: 'unknown block',
  GS104: 'block arguments do not match',
  GS105: 'network without inputs or output',
  GS106: 'invalid network copy',
  GS107: 'block uses itself',
  GS110: 'network error',
  GS111: 'unknown layer',
  GS112: 'layer inputs',
  GS113: 'shape mismatch',
  GS114: 'unknown head layer',
  GS115: 'unknown augmented network',
  GS116: 'augmented network has no image input',
  GS117: 'augmented network never trained on',
  GS120: 'malformed random input',
  GS121: 'name clash',
  GS122: 'random input dimensions',
  GS123: 'unknown random input keyword',
  GS124: 'random input range',
  GS130: 'expression syntax error',
  GS131: 'expression type error',
  GS132: 'loss is not a single number',
  GS133: 'probability loss on a value that is not a probability',
  GS134: 'logits loss on a probability',
  GS135: 'gradient penalty at one point',
  GS136: 'shapes do not broadcast',
  GS137: 'axis out of range',
  GS138: 'gradient of nothing',
  GS139: 'bad noise range',
  GS140: 'unknown update target',
  GS141: 'unknown loss',
  // GS142-GS146: optimizers (declared, shared, learning-rate schedules).
  GS142: 'unknown optimizer',
  GS143: 'shared optimizer over different weights',
  GS144: 'learning-rate schedule out of range',
  GS145: 'optimizer name clash',
  GS150: 'preview is not images',
  GS151: 'unknown preview input',
  // GS16x: limits (compiler/limits.ts, compiler/check/memory.ts): inputs that would crash or exhaust the machine.
  GS160: 'spec too large',
  GS161: 'reserved key',
  GS162: 'expression too deep',
  GS163: 'constant out of range',
  GS164: 'too large for memory',
  GS165: 'too many layers',
  // GS17x: EMA copies of a network's weights (`ema: { of: G }`).
  GS170: 'unknown network to average',
  GS171: 'EMA copy of an EMA copy',
  GS172: 'phase updates an EMA copy',
  GS173: 'loss calls an EMA copy',
  GS174: 'EMA copy with its own architecture',
  // GS175-GS178: warnings about what the spec declares but never uses (compiler/check/usage.ts).
  GS175: 'unused loss',
  GS176: 'unused random input',
  GS177: 'network never trained',
  GS178: 'unused optimizer',
  // GS179-GS184: gradient-flow warnings (compiler/check/flow.ts; GS184 compiler/check/clip-norm.ts).
  GS179: 'loss term reaches no updated weight',
  GS180: 'phase loss does not depend on what it updates',
  GS181: 'detach cuts every path',
  GS182: 'clip on weights no optimizer moves',
  GS183: 'clip not held by another phase',
  GS184: 'clip bounds batch norm',
  // GS185-GS186: losses that make no adversarial game (compiler/check/adversarial.ts).
  GS185: 'critic pulls real and generated the same way',
  GS186: 'generator helps the critic',
  // GS187: a made output judged against other labels than it was made from (compiler/check/conditioning.ts).
  GS187: 'conditions do not match',
  // GS190-GS193: what the torch target (gan-compile --target torch) refuses.
  GS190: 'name not usable in Python',
  GS191: 'layer the torch target lacks',
  // GS9xx: the compiler itself.
  GS900: 'generated module does not type-check',
} as const;

export type Code = keyof typeof codes;

/**
 * A value as it appears in a message: strings single-quoted with escapes (cut after 60
 * characters), numbers, booleans and null literally, collections by kind.
 */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    // JSON escapes every control character but not these line breaks: a message stays one line.
    const body = JSON.stringify(value)
      .slice(1, -1)
      .replace(/\\"/g, '"')
      .replace(/'/g, "\\'")
      .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    return `'${body.length > 60 ? `${body.slice(0, 57)}...` : body}'`;
  }
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

/** `FILE:LINE:COL POINTER: message (hint)`: one line, for logs and tests. */
export function renderDiagnosticLine(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}`;
  const text = d.pointer ? `${d.pointer}: ${d.message}` : d.message;
  return `${where} ${text}${d.hint ? ` (${d.hint})` : ''}`;
}

/** The header line, a code frame with a caret when the source is known, and the hint. */
export function renderDiagnostic(d: Diagnostic, sourceText?: string): string {
  const subject = d.pointer ? ` ${d.pointer}` : '';
  const out = [`${d.file}:${d.line}:${d.col} ${d.severity} ${d.code}${subject}: ${d.message}`];
  const sourceLine = sourceText?.split('\n')[d.line - 1]?.replace(/\r$/, '');
  if (sourceLine !== undefined) {
    const gutter = String(d.line);
    // Keep tabs before the caret so it lines up however the terminal renders them.
    const lead = sourceLine.slice(0, Math.max(0, d.col - 1)).replace(/[^\t]/g, ' ');
    const pad = ' '.repeat(Math.max(0, d.col - 1 - sourceLine.length));
    out.push(`  ${gutter} | ${sourceLine}`, `  ${' '.repeat(gutter.length)} | ${lead}${pad}^`);
  }
  if (d.hint) out.push(`  hint: ${d.hint}`);
  return out.join('\n');
}
