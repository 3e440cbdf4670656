// Tests for compiler/validate.ts on a small schema in the style of schema/ganspec.schema.json:
// every kind of schema error, with exact positions, messages and hints; then the real schema's
// keys that a spec with `extends` may leave to its parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderDiagnostic, renderDiagnosticLine } from '../compiler/diagnostics';
import { parseSpec } from '../compiler/parse';
import { SCHEMA, validateSpec } from '../compiler/validate';

const count = { $ref: '#/$defs/count' };

const schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://example.test/mini.schema.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'networks', 'schedule'],
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', 'x-hint': 'lower-case letters, digits and dashes' },
    version: { const: 1 },
    data: {
      type: 'object',
      oneOf: [{ required: ['source'] }, { required: ['path'] }],
      'x-hint': 'give either source or path',
    },
    sample: { type: 'object', additionalProperties: { type: 'string', pattern: '^(normal|uniform)\\(\\d+\\)$' } },
    networks: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$', 'x-hint': 'network names are identifiers' },
      additionalProperties: { $ref: '#/$defs/network' },
    },
    schedule: { $ref: '#/$defs/schedule' },
  },
  $defs: {
    count: { type: 'integer', minimum: 1 },
    network: {
      type: 'object',
      additionalProperties: false,
      required: ['layers'],
      properties: {
        inputs: { type: 'object', additionalProperties: { type: 'array', items: count } },
        layers: { type: 'array', minItems: 1, items: { $ref: '#/$defs/layer' } },
      },
    },
    // A layer: a bare name, or an object whose one key is the kind, plus optional id and from.
    layer: { oneOf: [{ enum: ['relu', 'tanh', 'flatten'] }, { $ref: '#/$defs/layerObject' }] },
    layerObject: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        id: { type: 'string' },
        from: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }] },
        conv2d: { $ref: '#/$defs/conv2d' },
        dense: { $ref: '#/$defs/dense' },
        dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
        reshape: { type: 'array', minItems: 1, maxItems: 3, items: count },
      },
    },
    conv2d: {
      type: 'object',
      additionalProperties: false,
      required: ['filters', 'kernel'],
      properties: {
        filters: { $ref: '#/$defs/count', 'x-hint': 'filters is the number of output channels' },
        kernel: count,
        padding: { enum: ['same', 'valid'] },
        activation: { $ref: '#/$defs/activation' },
      },
    },
    dense: {
      type: 'object',
      additionalProperties: false,
      required: ['units'],
      properties: { units: count, activation: { $ref: '#/$defs/activation' } },
    },
    activation: { type: 'string', enum: ['relu', 'tanh', 'sigmoid', 'leaky_relu'] },
    schedule: {
      type: 'object',
      additionalProperties: false,
      required: ['batch', 'phases'],
      properties: {
        batch: count,
        steps: count,
        phases: { type: 'array', minItems: 1, maxItems: 4, items: { $ref: '#/$defs/phase' } },
      },
    },
    phase: {
      type: 'object',
      additionalProperties: false,
      required: ['update'],
      properties: {
        update: { type: 'string' },
        repeat: count,
        clip: { type: 'number', exclusiveMinimum: 0 },
        optimizer: { $ref: '#/$defs/optimizer' },
      },
    },
    // One object per kind: alternatives that tie are merged.
    optimizer: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['adam'], properties: { adam: { $ref: '#/$defs/adam' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['rmsprop'],
          properties: { rmsprop: { $ref: '#/$defs/rmsprop' } },
        },
      ],
      'x-hint': 'an optimizer is { adam: {...} } or { rmsprop: {...} }',
    },
    adam: {
      type: 'object',
      additionalProperties: false,
      required: ['lr'],
      properties: { lr: { $ref: '#/$defs/lr' }, beta1: { type: 'number', minimum: 0, maximum: 1 } },
    },
    rmsprop: { type: 'object', additionalProperties: false, required: ['lr'], properties: { lr: { $ref: '#/$defs/lr' } } },
    lr: { type: 'number', exclusiveMinimum: 0, 'x-hint': 'the learning rate, e.g. 0.0002' },
  },
};

const lines = (...rows: string[]) => rows.map((row) => `${row}\n`).join('');

function check(file: string, text: string, target: object = schema): string[] {
  const parsed = parseSpec(file, text);
  assert.deepEqual(parsed.diagnostics, []);
  return validateSpec(target, parsed.doc, file, parsed.locate).map(renderDiagnosticLine);
}

const valid = lines(
  'name: demo',
  'networks:',
  '  G:',
  '    inputs: { z: [100] }',
  '    layers:',
  '      - dense: { units: 128, activation: relu }',
  '      - { id: h, from: z, reshape: [2, 8, 8] }',
  '      - conv2d: { filters: 1, kernel: 3, padding: same }',
  '      - tanh',
  'schedule:',
  '  batch: 32',
  '  phases:',
  '    - { update: G, optimizer: { adam: { lr: 0.0002, beta1: 0.5 } } }',
);

test('a valid spec has no diagnostics', () => {
  assert.deepEqual(check('ok.yaml', valid), []);
});

const broken = lines(
  /*  1 */ 'name: My Model',
  /*  2 */ 'version: 2',
  /*  3 */ 'data: { source: mnist, path: ./x }',
  /*  4 */ 'sample:',
  /*  5 */ '  z: normal(100',
  /*  6 */ 'networks:',
  /*  7 */ '  G:',
  /*  8 */ '    inputs: { z: [100, 0] }',
  /*  9 */ '    layers:',
  /* 10 */ '      - dense: { units: 6272, activation: reluu }',
  /* 11 */ '      - reshape: [7, 7, 128, 1]',
  /* 12 */ '      - conv2dd: { filters: 64, kernel: 3 }',
  /* 13 */ '      - conv2d: { filters: 0, kernel: 3, padding: sme }',
  /* 14 */ '      - reluu',
  /* 15 */ '      - conv2d: { filter: 1, kernel: 3 }',
  /* 16 */ '      - dropout: 1',
  /* 17 */ '      - { id: 3, from: [] }',
  /* 18 */ '      - from: 7',
  /* 19 */ '      - 42',
  /* 20 */ '  bad name:',
  /* 21 */ '    layers: []',
  /* 22 */ 'schedule:',
  /* 23 */ '  batch: 32.5',
  /* 24 */ '  phases:',
  /* 25 */ '    - { update: D, repeat: 0, optimizer: { adamm: { lr: 0.0002 } } }',
  /* 26 */ '    - { update: G, optimizer: { adam: { lr: 0, beta1: 1.5 } } }',
  /* 27 */ '    - { update: G, clip: 0, optimizer: { rmsprop: {} } }',
  /* 28 */ '    - { updat: G, optimizer: {} }',
  /* 29 */ '    - { update: G, optimizer: 5 }',
  /* 30 */ 'extra: 1',
);

test('turns every kind of schema error into one precise diagnostic, sorted by position', () => {
  assert.deepEqual(check('specs/broken.yaml', broken), [
    // pattern, with the subschema's x-hint
    "specs/broken.yaml:1:7 /name: must match ^[a-z][a-z0-9-]*$ (got 'My Model') (lower-case letters, digits and dashes)",
    // const
    'specs/broken.yaml:2:10 /version: unknown value 2 (expected 1)',
    // oneOf where more than one alternative matches
    'specs/broken.yaml:3:7 /data: matches more than one allowed form (forms 1 and 2) (give either source or path)',
    'specs/broken.yaml:5:6 /sample/z: must match ^(normal|uniform)\\(\\d+\\)$ (got \'normal(100\')',
    // minimum, in an array
    'specs/broken.yaml:8:24 /networks/G/inputs/z/1: must be >= 1 (got 0)',
    // enum, with a suggestion
    "specs/broken.yaml:10:43 /networks/G/layers/0/dense/activation: unknown value 'reluu' (did you mean 'relu'?)",
    // maxItems
    'specs/broken.yaml:11:18 /networks/G/layers/1/reshape: must have at most 3 items (got 4)',
    // additionalProperties: at the key, suggesting among the allowed keys
    "specs/broken.yaml:12:9 /networks/G/layers/2: unknown key 'conv2dd' (did you mean 'conv2d'?)",
    // x-hint beside the $ref
    'specs/broken.yaml:13:28 /networks/G/layers/3/conv2d/filters: must be >= 1 (got 0) (filters is the number of output channels)',
    "specs/broken.yaml:13:51 /networks/G/layers/3/conv2d/padding: unknown value 'sme' (did you mean 'same'?)",
    // the bare-name alternative of a layer
    "specs/broken.yaml:14:9 /networks/G/layers/4: unknown value 'reluu' (did you mean 'relu'?)",
    // the suggested key is the missing one: only the unknown key is reported
    "specs/broken.yaml:15:19 /networks/G/layers/5/conv2d: unknown key 'filter' (did you mean 'filters'?)",
    // exclusiveMaximum
    'specs/broken.yaml:16:18 /networks/G/layers/6/dropout: must be < 1 (got 1)',
    // type
    'specs/broken.yaml:17:15 /networks/G/layers/7/id: must be a string (got 3)',
    // minItems in the anyOf alternative that got furthest
    'specs/broken.yaml:17:24 /networks/G/layers/7/from: must have at least 1 item (got 0)',
    // anyOf where every alternative fails its type: the types are merged
    'specs/broken.yaml:18:15 /networks/G/layers/8/from: must be a string or a list (got 7)',
    "specs/broken.yaml:19:9 /networks/G/layers/9: unknown value 42 (expected one of 'relu', 'tanh', 'flatten')",
    // propertyNames: at the key
    "specs/broken.yaml:20:3 /networks: key 'bad name' must match ^[A-Za-z_][A-Za-z0-9_]*$ (network names are identifiers)",
    'specs/broken.yaml:21:13 /networks/bad name/layers: must have at least 1 item (got 0)',
    'specs/broken.yaml:23:10 /schedule/batch: must be an integer (got 32.5)',
    'specs/broken.yaml:25:5 /schedule/phases: must have at most 4 items (got 5)',
    'specs/broken.yaml:25:28 /schedule/phases/0/repeat: must be >= 1 (got 0)',
    // one object per kind: the unknown key, with suggestions from every alternative
    "specs/broken.yaml:25:44 /schedule/phases/0/optimizer: unknown key 'adamm' (did you mean 'adam'?)",
    // exclusiveMinimum, with the x-hint of the $ref's target
    'specs/broken.yaml:26:45 /schedule/phases/1/optimizer/adam/lr: must be > 0 (got 0) (the learning rate, e.g. 0.0002)',
    // maximum
    'specs/broken.yaml:26:55 /schedule/phases/1/optimizer/adam/beta1: must be <= 1 (got 1.5)',
    'specs/broken.yaml:27:26 /schedule/phases/2/clip: must be > 0 (got 0)',
    // required, with the missing property's x-hint
    "specs/broken.yaml:27:42 /schedule/phases/2/optimizer/rmsprop: missing key 'lr' (the learning rate, e.g. 0.0002)",
    "specs/broken.yaml:28:9 /schedule/phases/3: unknown key 'updat' (did you mean 'update'?)",
    // alternatives each missing their one key: merged
    "specs/broken.yaml:28:19 /schedule/phases/3/optimizer: missing one of the keys 'adam', 'rmsprop' (an optimizer is { adam: {...} } or { rmsprop: {...} })",
    'specs/broken.yaml:29:31 /schedule/phases/4/optimizer: must be an object (got 5) (an optimizer is { adam: {...} } or { rmsprop: {...} })',
    // unknown key with no close match: the allowed keys
    "specs/broken.yaml:30:1 unknown key 'extra' (allowed keys: 'name', 'version', 'data', 'sample', 'networks', 'schedule')",
  ]);
});

test('renders a schema diagnostic with its code frame', () => {
  const parsed = parseSpec('specs/broken.yaml', broken);
  const found = validateSpec(schema, parsed.doc, 'specs/broken.yaml', parsed.locate);
  const filters = found.find((d) => d.pointer === '/networks/G/layers/3/conv2d/filters')!;
  assert.equal(
    renderDiagnostic(filters, broken),
    [
      'specs/broken.yaml:13:28 error GS005 /networks/G/layers/3/conv2d/filters: must be >= 1 (got 0)',
      '  13 |       - conv2d: { filters: 0, kernel: 3, padding: sme }',
      '     |                            ^',
      '  hint: filters is the number of output channels',
    ].join('\n'),
  );
  const codes = new Map(found.map((d) => [d.message.split(' ').slice(0, 2).join(' '), d.code]));
  assert.equal(codes.get('unknown key'), 'GS002');
  assert.equal(codes.get('missing key'), 'GS003');
  assert.equal(codes.get('must be'), 'GS004');
  assert.equal(codes.get('unknown value'), 'GS006');
  assert.ok(found.every((d) => d.severity === 'error'));
});

test('missing top-level keys point at the document start', () => {
  assert.deepEqual(check('m.yaml', 'name: ok\n'), ["m.yaml:1:1 missing key 'networks'", "m.yaml:1:1 missing key 'schedule'"]);
});

test('an empty spec must be an object', () => {
  const parsed = parseSpec('e.yaml', '');
  assert.deepEqual(validateSpec(schema, parsed.doc, 'e.yaml', parsed.locate).map(renderDiagnosticLine), [
    'e.yaml:1:1 must be an object (got null)',
  ]);
});

test('validates JSON specs with the same positions', () => {
  const json = lines(
    '{',
    '  "name": "demo",',
    '  "networks": { "D": { "layers": ["flaten", { "dense": { "units": 1, "activation": "sigmoid" } }] } },',
    '  "schedule": { "batch": 64, "phases": [{ "update": "D", "optimizer": { "adam": {} } }] }',
    '}',
  );
  assert.deepEqual(check('specs/d.json', json), [
    "specs/d.json:3:35 /networks/D/layers/0: unknown value 'flaten' (did you mean 'flatten'?)",
    "specs/d.json:4:73 /schedule/phases/0/optimizer/adam: missing key 'lr' (the learning rate, e.g. 0.0002)",
  ]);
});

test('keys with / and ~ are escaped in pointers and still located', () => {
  const text = lines('name: x', 'networks: { G: { layers: [relu] } }', 'schedule:', '  batch: 1', '  phases: [{ update: G }]', '  a/b~c: 1');
  assert.deepEqual(check('k.yaml', text), [
    "k.yaml:6:3 /schedule: unknown key 'a/b~c' (allowed keys: 'batch', 'steps', 'phases')",
  ]);
});

// Layers as one alternative per kind, each `{ <kind>: args, id? }`.
const perKind = (kind: string, args: object) => ({
  type: 'object',
  additionalProperties: false,
  required: [kind],
  properties: { [kind]: args, id: { type: 'string' } },
});
const kindSchema = {
  type: 'array',
  items: {
    oneOf: [
      { type: 'string', enum: ['relu', 'flatten'] },
      perKind('conv2d', { type: 'object', properties: { filters: { type: 'integer', minimum: 1 } } }),
      perKind('dense', { type: 'integer' }),
    ],
    'x-hint': 'a layer is a name or { kind: arguments }',
  },
};

test('one alternative per kind: the closest alternative wins, ties report what they share', () => {
  const text = lines(
    '- conv2dd: {}',
    '- {}',
    '- conv2d: { filters: 0 }',
    '- dense: {}',
    '- reluu',
    '- [1]',
    '- { conv2d: {}, dense: 1 }',
  );
  assert.deepEqual(check('l.yaml', text, kindSchema), [
    "l.yaml:1:3 /0: unknown key 'conv2dd' (did you mean 'conv2d'?)",
    "l.yaml:2:3 /1: missing one of the keys 'conv2d', 'dense' (a layer is a name or { kind: arguments })",
    'l.yaml:3:22 /2/conv2d/filters: must be >= 1 (got 0)',
    'l.yaml:4:10 /3/dense: must be an integer (got an object)',
    "l.yaml:5:3 /4: unknown value 'reluu' (did you mean 'relu'?)",
    'l.yaml:6:3 /5: must be a string or an object (got a list) (a layer is a name or { kind: arguments })',
    'l.yaml:7:3 /6: matches none of the allowed forms (a layer is a name or { kind: arguments })',
  ]);
});

test('a schema without $id works, and repeated runs give the same result', () => {
  const plain = { type: 'object', properties: { n: { anyOf: [{ type: 'integer', minimum: 1 }, { const: 'auto' }] } } };
  const text = 'n: 0\n';
  const first = check('p.yaml', text, plain);
  assert.deepEqual(first, ['p.yaml:1:4 /n: must be >= 1 (got 0)']);
  assert.deepEqual(check('p.yaml', text, plain), first);
  assert.deepEqual(check('p.yaml', 'n: aut\n', plain), ["p.yaml:1:4 /n: unknown value 'aut' (did you mean 'auto'?)"]);
});

// The real schema requires, in its top-level `else` (no `extends`), what a spec with `extends` may
// leave to its parent. The compiler validates the merged spec, which has no `extends`.
test('the spec schema: a spec with extends may leave out keys, one without must have them, with the hints of their own schemas', () => {
  const partial = lines('extends: dcgan.yaml', 'name: ttur', 'data: { limit: 100 }', 'schedule:', '  phases: [{ update: D, optimizer: { adam: { lr: 0.0004 } } }]', 'blocks: { down: { params: [f] } }', 'networks: { G: { inputs: {} } }', 'preview: { rows: 2 }');
  assert.deepEqual(check('child.yaml', partial, SCHEMA), []);
  assert.deepEqual(check('merged.yaml', partial.replace('extends: dcgan.yaml\n', ''), SCHEMA), [
    "merged.yaml:1:1 missing key 'losses'",
    "merged.yaml:2:1 /data: missing key 'source'",
    "merged.yaml:2:1 /data: missing key 'image' (image is [height, width, channels])",
    "merged.yaml:3:1 /schedule: missing key 'batch'",
    "merged.yaml:3:1 /schedule: missing key 'steps'",
    "merged.yaml:5:11 /blocks/down: missing key 'layers'",
    'merged.yaml:6:26 /networks/G/inputs: must have at least 1 key (got 0)',
    "merged.yaml:7:1 /preview: missing key 'show'",
  ]);
  assert.deepEqual(check('empty.yaml', 'losses: {}\n', SCHEMA).slice(0, 2), [
    "empty.yaml:1:1 missing key 'name' (use lower-case letters, digits, '-' and '_', starting with a letter)",
    "empty.yaml:1:1 missing key 'data'",
  ]);
  assert.deepEqual(check('empty.yaml', 'extends: a.yaml\nlosses: {}\n', SCHEMA), []);
});
