// Unit tests of compiler/report.ts, the one diagnostics reporter: each case makes some reports
// on a small YAML text (placed through parse.ts's locate, as the compiler's `where` does) and
// wants exactly these diagnostics, rendered `FILE:LINE:COL SEVERITY CODE POINTER: message (hint)`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, Where } from '../compiler/diagnostics';
import { parseSpec } from '../compiler/parse';
import { Reporter } from '../compiler/report';

const TEXT = [
  'name: demo', //                                   line 1
  'networks:',
  '  G:',
  '    layers:',
  '      - conv2dd: { filters: 8 }', //               line 5
  'losses:',
  '  G: bce(D(G(z)), 1) + bce(D(G(z)), 0)', //        line 7
  '  D: >-',
  '    mean(D(x))',
  '    - mean(D(G(z)))', //                           line 10
  '',
].join('\n');

function reporter(): Reporter {
  const { locate } = parseSpec('s.yaml', TEXT);
  const where: Where = (pointer, which) => ({ file: 's.yaml', ...locate(pointer, which) });
  return new Reporter(where, new Map([['s.yaml', TEXT]]));
}

const render = (d: Diagnostic) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.pointer}: ${d.message}${d.hint === undefined ? '' : ` (${d.hint})`}`;

const G = 'bce(D(G(z)), 1) + bce(D(G(z)), 0)';
const D = 'mean(D(x))\n- mean(D(G(z)))';

const cases: { name: string; given: (r: Reporter) => void; want: string[] }[] = [
  {
    name: "an error is placed at its pointer's value, GS100 unless a code is given",
    given: (r) => {
      r.error('/networks/G/layers/0/conv2dd/filters', 'too few');
      r.error('/name', 'bad name', { code: 'GS008', hint: 'lower case' });
    },
    want: ['s.yaml:1:7 error GS008 /name: bad name (lower case)', 's.yaml:5:29 error GS100 /networks/G/layers/0/conv2dd/filters: too few'],
  },
  {
    name: "which: 'key' places it at the key that names the value",
    given: (r) => r.error('/networks/G/layers/0/conv2dd', 'unknown layer', { which: 'key' }),
    want: ['s.yaml:5:9 error GS100 /networks/G/layers/0/conv2dd: unknown layer'],
  },
  {
    name: 'anchor places it at another pointer than the one it is about',
    given: (r) => r.error('/networks/G/layers/0', "unknown key 'conv2dd'", { anchor: '/networks/G/layers/0/conv2dd', which: 'key', code: 'GS002' }),
    want: ["s.yaml:5:9 error GS002 /networks/G/layers/0: unknown key 'conv2dd'"],
  },
  {
    name: 'a pointer that leads nowhere is placed at the nearest existing key',
    given: (r) => r.error('/networks/G/layers/0/conv2dd/kernel', 'missing'),
    want: ['s.yaml:5:9 error GS100 /networks/G/layers/0/conv2dd/kernel: missing'],
  },
  {
    name: 'at: a character of the expression it was told about, the second G(z) where that one is meant',
    given: (r) => {
      r.expression('/losses/G', G);
      r.error('/losses/G', 'first', { at: G.indexOf('G(z)') });
      r.error('/losses/G', 'second', { at: G.lastIndexOf('G(z)') });
    },
    want: ['s.yaml:7:12 error GS100 /losses/G: first', 's.yaml:7:30 error GS100 /losses/G: second'],
  },
  {
    name: 'at: inside a folded expression, on the line the character is written',
    given: (r) => {
      r.expression('/losses/D', D);
      r.error('/losses/D', 'here', { at: D.indexOf('G(z)') });
    },
    want: ['s.yaml:10:14 error GS100 /losses/D: here'],
  },
  {
    name: 'at: without the expression text the value itself is the place',
    given: (r) => r.error('/losses/G', 'somewhere', { at: 6 }),
    want: ['s.yaml:7:6 error GS100 /losses/G: somewhere'],
  },
  {
    name: "unknown: \"unknown <what> 'name'\" with the closest candidate as the hint",
    given: (r) => r.unknown('/networks/G/layers/0/conv2dd', 'layer', 'conv2dd', ['dense', 'conv2d'], { which: 'key', code: 'GS111' }),
    want: ["s.yaml:5:9 error GS111 /networks/G/layers/0/conv2dd: unknown layer 'conv2dd' (did you mean 'conv2d'?)"],
  },
  {
    name: 'unknown: no candidate close enough gives the fallback hint, or none',
    given: (r) => {
      r.unknown('/losses/G', 'function', 'xyz', ['bce', 'mean'], { hint: 'functions: bce, mean' });
      r.unknown('/losses/D', 'name', 'q', ['x', 'z']);
    },
    want: ["s.yaml:7:6 error GS100 /losses/G: unknown function 'xyz' (functions: bce, mean)", "s.yaml:8:6 error GS100 /losses/D: unknown name 'q'"],
  },
  {
    name: "unknown: a message of its own; quote: 'value' escapes and cuts like formatValue; show writes the suggestion",
    given: (r) => {
      r.unknown('/losses/G', 'head', 'vlaid', ['valid'], { message: "D has no head 'vlaid'" });
      r.unknown('/name', 'key', "it's", ["it'z"], { quote: 'value' });
      r.unknown('/networks', 'parameter', 'filtres', ['filters'], { message: "unknown parameter '$filtres'", show: (c) => `$${c}` });
    },
    want: [
      "s.yaml:1:7 error GS100 /name: unknown key 'it\\'s' (did you mean 'it\\'z'?)",
      "s.yaml:3:3 error GS100 /networks: unknown parameter '$filtres' (did you mean $filters?)",
      "s.yaml:7:6 error GS100 /losses/G: D has no head 'vlaid' (did you mean 'valid'?)",
    ],
  },
  {
    name: 'one message once per place, whatever its pointer or code; elsewhere it is kept',
    given: (r) => {
      r.error('/networks/G/layers/0/conv2dd', 'same', { which: 'key' });
      r.error('/networks/G/layers/0', 'same', { code: 'GS110' });
      r.error('/name', 'same');
    },
    want: ['s.yaml:1:7 error GS100 /name: same', 's.yaml:5:9 error GS100 /networks/G/layers/0/conv2dd: same'],
  },
  {
    name: 'sorted by file, line and column; equal places keep the order reported; warnings included',
    given: (r) => {
      r.add({ code: 'GS001', severity: 'error', message: 'other file', file: 'b.yaml', line: 1, col: 1, pointer: '' });
      r.error('/losses/G', 'second here');
      r.warning('/losses/G', 'third here', { code: 'GS001' });
      r.error('/name', 'first');
      r.add({ code: 'GS001', severity: 'error', message: 'before', file: 'a.yaml', line: 9, col: 9, pointer: '' });
    },
    want: [
      'a.yaml:9:9 error GS001 : before',
      'b.yaml:1:1 error GS001 : other file',
      's.yaml:1:7 error GS100 /name: first',
      's.yaml:7:6 error GS100 /losses/G: second here',
      's.yaml:7:6 warning GS001 /losses/G: third here',
    ],
  },
];

for (const c of cases) {
  test(`report: ${c.name}`, () => {
    const r = reporter();
    c.given(r);
    assert.deepEqual(r.all.map(render), c.want);
  });
}

test('report: hasErrors and errors leave warnings out; size counts both', () => {
  const r = reporter();
  r.warning('/name', 'only a warning');
  assert.equal(r.hasErrors, false);
  assert.equal(r.size, 1);
  r.error('/losses', 'an error');
  assert.equal(r.hasErrors, true);
  assert.deepEqual(r.errors.map(render), ['s.yaml:7:3 error GS100 /losses: an error']);
  assert.equal(r.size, 2);
});
