// Tests for compiler/parse.ts: documents from YAML and JSON, pointer positions, syntax diagnostics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDiagnosticLine } from '../compiler/diagnostics';
import { parseSpec } from '../compiler/parse';

const lines = (...rows: string[]) => rows.map((row) => `${row}\n`).join('');

const yaml = lines(
  '# a comment',
  'name: demo',
  'networks:',
  '  G:',
  '    layers:',
  '      - dense: { units: 64 }',
  '      - relu',
  '      - conv2d:',
  '          filters: 0',
  'odd keys:',
  '  a/b: 1',
  '  c~d: [x, y]',
  '  "": empty',
);

test('parses YAML into a plain document without diagnostics', () => {
  const parsed = parseSpec('specs/demo.yaml', yaml);
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.doc, {
    name: 'demo',
    networks: { G: { layers: [{ dense: { units: 64 } }, 'relu', { conv2d: { filters: 0 } }] } },
    'odd keys': { 'a/b': 1, 'c~d': ['x', 'y'], '': 'empty' },
  });
});

test('locates values and keys, 1-based', () => {
  const { locate } = parseSpec('specs/demo.yaml', yaml);
  assert.deepEqual(locate('/name'), { line: 2, col: 7 });
  assert.deepEqual(locate('/name', 'key'), { line: 2, col: 1 });
  assert.deepEqual(locate('/networks/G/layers/0/dense/units'), { line: 6, col: 25 });
  assert.deepEqual(locate('/networks/G/layers/0/dense/units', 'key'), { line: 6, col: 18 });
  assert.deepEqual(locate('/networks/G/layers/1'), { line: 7, col: 9 });
  // sequence items have no key: their value is used
  assert.deepEqual(locate('/networks/G/layers/1', 'key'), { line: 7, col: 9 });
  assert.deepEqual(locate('/networks/G/layers/2/conv2d/filters'), { line: 9, col: 20 });
  assert.deepEqual(locate('/networks/G/layers/2/conv2d'), { line: 9, col: 11 });
  assert.deepEqual(locate(''), { line: 2, col: 1 });
});

test('locates pointers with escaped segments', () => {
  const { locate } = parseSpec('specs/demo.yaml', yaml);
  assert.deepEqual(locate('/odd keys/a~1b'), { line: 11, col: 8 });
  assert.deepEqual(locate('/odd keys/c~0d/1', 'value'), { line: 12, col: 12 });
  assert.deepEqual(locate('/odd keys/c~0d', 'key'), { line: 12, col: 3 });
  assert.deepEqual(locate('/odd keys/', 'key'), { line: 13, col: 3 });
});

test('a missing child falls back to the nearest existing ancestor', () => {
  const { locate } = parseSpec('specs/demo.yaml', yaml);
  assert.deepEqual(locate('/networks/G/layers/2/conv2d/kernel'), { line: 8, col: 9 });
  assert.deepEqual(locate('/networks/G/layers/9/dense'), { line: 5, col: 5 });
  assert.deepEqual(locate('/networks/G/layers/x'), { line: 5, col: 5 });
  assert.deepEqual(locate('/networks/G/layers/1/relu'), { line: 7, col: 9 });
  assert.deepEqual(locate('/missing/deeper'), { line: 2, col: 1 });
});

test('locates through aliases and merge keys', () => {
  const text = lines('base: &b', '  units: 8', '  use: true', 'copy: *b', 'merged:', '  <<: *b', '  units: 16');
  const parsed = parseSpec('m.yaml', text);
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.doc, {
    base: { units: 8, use: true },
    copy: { units: 8, use: true },
    merged: { units: 16, use: true },
  });
  assert.deepEqual(parsed.locate('/copy'), { line: 4, col: 7 });
  assert.deepEqual(parsed.locate('/copy/units'), { line: 2, col: 10 });
  assert.deepEqual(parsed.locate('/merged/units'), { line: 7, col: 10 });
  assert.deepEqual(parsed.locate('/merged/use'), { line: 3, col: 8 });
});

test('parses JSON, positions included', () => {
  const json = '{\n  "name": "demo",\n  "schedule": { "batch": 0, "a/b": [1, 2] }\n}\n';
  const parsed = parseSpec('specs/demo.json', json);
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.doc, { name: 'demo', schedule: { batch: 0, 'a/b': [1, 2] } });
  assert.deepEqual(parsed.locate('/schedule/batch'), { line: 3, col: 26 });
  assert.deepEqual(parsed.locate('/schedule/batch', 'key'), { line: 3, col: 17 });
  assert.deepEqual(parsed.locate('/schedule/a~1b/1'), { line: 3, col: 40 });
});

test('columns count from the line start with CRLF line ends', () => {
  const { locate } = parseSpec('w.yaml', 'a: 1\r\nb: [x, yy]\r\n');
  assert.deepEqual(locate('/b/1'), { line: 2, col: 8 });
});

test('an empty spec is null and locates at 1:1', () => {
  const parsed = parseSpec('e.yaml', '');
  assert.equal(parsed.doc, null);
  assert.deepEqual(parsed.diagnostics, []);
  assert.deepEqual(parsed.locate('/name'), { line: 1, col: 1 });
});

const problems = (file: string, text: string) =>
  parseSpec(file, text).diagnostics.map((d) => `${d.severity} ${d.code} ${renderDiagnosticLine(d)}`);

test('reports syntax errors with positions', () => {
  assert.deepEqual(problems('s.yaml', 'a:\n\tb: 1\n'), ['error GS001 s.yaml:2:1 tabs are not allowed as indentation']);
  assert.deepEqual(problems('s.yaml', 'a: b: c\n'), [
    'error GS001 s.yaml:1:4 /a/b: nested mappings are not allowed in compact mappings',
  ]);
  assert.deepEqual(problems('s.yaml', 'a: [1, 2\nb: 3\n'), [
    'error GS001 s.yaml:2:1 /b: flow sequence in block collection must be sufficiently indented and end with a ]',
  ]);
  assert.deepEqual(problems('s.json', '{"a": "x}\n'), [
    'error GS001 s.json:2:1 missing closing "quote',
    'error GS001 s.json:2:1 flow map must end with a }',
  ]);
});

test('reports duplicate keys at the repeat, pointing to the first', () => {
  assert.deepEqual(problems('d.yaml', lines('net:', '  G:', '    x: 1', '    x: 2')), [
    'error GS007 d.yaml:4:5 /net/G/x: duplicate key \'x\' (first defined on line 3)',
  ]);
  assert.deepEqual(problems('d.json', '{"a": 1,\n "a": 2}'), [
    'error GS007 d.json:2:2 /a: duplicate key \'a\' (first defined on line 1)',
  ]);
});

test('reports a second document, an unknown alias and an unknown tag', () => {
  assert.deepEqual(problems('m.yaml', 'a: 1\n---\nb: 2\n'), ['error GS001 m.yaml:2:1 a spec is a single YAML document']);
  const alias = parseSpec('m.yaml', 'a: 1\nb: *nope\n');
  assert.equal(alias.doc, undefined);
  assert.deepEqual(
    alias.diagnostics.map(renderDiagnosticLine),
    ['m.yaml:2:4 /b: unresolved alias (the anchor must be set before the alias): nope'],
  );
  assert.deepEqual(problems('m.yaml', 'a: !foo 3\n'), ['warning GS001 m.yaml:1:4 unresolved tag: !foo']);
});
