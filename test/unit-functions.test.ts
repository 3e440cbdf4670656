// The expression function vocabulary (compiler/vocabulary/functions/) against its documentation:
// README's spec-language section and the schema's `losses` description (what an editor shows)
// list every function with exactly the vocabulary's signature and one-line doc, in its order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FUNCTION_LIST, FUNCTION_NAMES, FUNCTIONS } from '../compiler/vocabulary/functions/index';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const schema = JSON.parse(readFileSync(`${ROOT}schema/ganspec.schema.json`, 'utf8'));

test('functions: one entry per name, each signature naming its function', () => {
  assert.equal(new Set(FUNCTION_NAMES).size, FUNCTION_NAMES.length);
  for (const f of FUNCTION_LIST) {
    assert.equal(FUNCTIONS[f.name], f);
    assert.ok(f.signature.startsWith(`${f.name}(`), f.signature);
    assert.doesNotMatch(f.doc, /\n/, `${f.name}: one line`);
  }
  assert.equal(FUNCTIONS.toString, undefined, 'no Object methods among the functions');
});

test("functions: README's spec language lists every function with its doc, in order", () => {
  const listed = [...readme.matchAll(/^ {2}- `([a-z_0-9]+)\(([^`]*)\)`: (.*)$/gm)].map((m) => `${m[1]}(${m[2]}): ${m[3]}`);
  assert.deepEqual(
    listed,
    FUNCTION_LIST.map((f) => `${f.signature}: ${f.doc}`),
  );
});

test("functions: the schema's losses description lists every function with its doc, in order", () => {
  const lines = (schema.properties.losses.description as string).split('\n').slice(1);
  assert.deepEqual(
    lines,
    FUNCTION_LIST.map((f) => `- ${f.signature}: ${f.doc}`),
  );
  assert.match(schema.properties.losses.description, /bce and ce take probabilities, bce_logits and ce_logits take logits/);
});
