// Tests for compiler/diagnostics.ts: rendering (code frame, one-line form), value formatting; and
// the collecting side of compiler/report.ts's Reporter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, formatValue, renderDiagnostic, renderDiagnosticLine, type Diagnostic } from '../compiler/diagnostics';
import { Reporter } from '../compiler/report';

const filters: Diagnostic = {
  code: 'GS005',
  severity: 'error',
  message: 'must be >= 1 (got 0)',
  file: 'specs/dcgan.yaml',
  line: 14,
  col: 16,
  pointer: '/networks/G/layers/2/conv2d/filters',
  hint: 'filters is the number of output channels',
};

const source = [...Array.from({ length: 13 }, (_, i) => `line ${i + 1}`), '      filters: 0', 'last'].join('\n');

test('renders header, code frame and hint like a compiler', () => {
  assert.equal(
    renderDiagnostic(filters, source),
    [
      'specs/dcgan.yaml:14:16 error GS005 /networks/G/layers/2/conv2d/filters: must be >= 1 (got 0)',
      '  14 |       filters: 0',
      '     |                ^',
      '  hint: filters is the number of output channels',
    ].join('\n'),
  );
});

test('renders without a frame when the source is unknown or the line is not in it', () => {
  const expected = [
    'specs/dcgan.yaml:14:16 error GS005 /networks/G/layers/2/conv2d/filters: must be >= 1 (got 0)',
    '  hint: filters is the number of output channels',
  ].join('\n');
  assert.equal(renderDiagnostic(filters), expected);
  assert.equal(renderDiagnostic(filters, 'a: 1\n'), expected);
});

test('keeps tabs before the caret, strips CR, omits an empty pointer and a missing hint', () => {
  const d: Diagnostic = { code: 'GS001', severity: 'warning', message: 'm', file: 'f.yaml', line: 2, col: 3, pointer: '' };
  assert.equal(renderDiagnostic(d, 'a\r\n\tb: c\r\n'), ['f.yaml:2:3 warning GS001: m', '  2 | \tb: c', '    | \t ^'].join('\n'));
});

test('a caret past the end of the line still points after it', () => {
  const d: Diagnostic = { code: 'GS003', severity: 'error', message: 'm', file: 'f', line: 1, col: 4, pointer: '/a' };
  assert.equal(renderDiagnostic(d, 'k:'), ['f:1:4 error GS003 /a: m', '  1 | k:', '    |    ^'].join('\n'));
});

test('one-line form: FILE:LINE:COL POINTER: message (hint)', () => {
  assert.equal(
    renderDiagnosticLine(filters),
    'specs/dcgan.yaml:14:16 /networks/G/layers/2/conv2d/filters: must be >= 1 (got 0) (filters is the number of output channels)',
  );
  assert.equal(renderDiagnosticLine({ ...filters, pointer: '', hint: undefined }), 'specs/dcgan.yaml:14:16 must be >= 1 (got 0)');
});

test('the collector sorts by file, line, column and drops exact repeats', () => {
  const found = new Reporter();
  const at = (file: string, line: number, col: number, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({
    ...filters,
    file,
    line,
    col,
    severity,
  });
  found.add(at('b.yaml', 1, 1));
  found.add(at('a.yaml', 3, 2, 'warning'));
  found.add(at('a.yaml', 3, 1));
  found.add(at('a.yaml', 3, 1));
  assert.deepEqual(
    found.all.map((d) => `${d.file}:${d.line}:${d.col}`),
    ['a.yaml:3:1', 'a.yaml:3:2', 'b.yaml:1:1'],
  );
  assert.equal(found.errors.length, 2);
  assert.equal(found.hasErrors, true);
  const warnings = new Reporter();
  warnings.add(at('a.yaml', 1, 1, 'warning'));
  assert.equal(warnings.hasErrors, false);
});

test('formats values for messages', () => {
  assert.equal(formatValue('relu'), "'relu'");
  assert.equal(formatValue("it's\n"), "'it\\'s\\n'");
  assert.equal(formatValue('x'.repeat(80)), `'${'x'.repeat(57)}...'`);
  assert.equal(formatValue(0), '0');
  assert.equal(formatValue(null), 'null');
  assert.equal(formatValue(true), 'true');
  assert.equal(formatValue([1]), 'a list');
  assert.equal(formatValue({}), 'an object');
});

test('every catalogued code is GSnnn with a title', () => {
  for (const [code, title] of Object.entries(codes)) {
    assert.match(code, /^GS\d{3}$/);
    assert.ok(title.length > 0);
  }
});
