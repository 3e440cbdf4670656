// Tests for compiler/suggest.ts: edit distance and did-you-mean suggestions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, didYouMean, editDistance } from '../compiler/suggest';

test('edit distance counts an adjacent transposition as one edit', () => {
  assert.equal(editDistance('conv2d', 'conv2d'), 0);
  assert.equal(editDistance('conv2dd', 'conv2d'), 1);
  assert.equal(editDistance('cnov2d', 'conv2d'), 1);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('abc', ''), 3);
});

test('suggests the closest candidate, ignoring case', () => {
  const layers = ['conv2d', 'conv2d_transpose', 'dense', 'dropout', 'relu', 'leaky_relu'];
  assert.equal(closest('conv2dd', layers), 'conv2d');
  assert.equal(closest('Conv2D', layers), 'conv2d');
  assert.equal(closest('reluu', layers), 'relu');
  assert.equal(closest('leaky-relu', layers), 'leaky_relu');
  assert.equal(closest('desne', layers), 'dense');
});

test('suggests nothing far away, for very short names, or for a known name', () => {
  assert.equal(closest('batchnorm', ['conv2d', 'dense']), undefined);
  assert.equal(closest('lr', ['id']), undefined);
  assert.equal(closest('x', ['y']), undefined);
  assert.equal(closest('relu', ['relu', 'reluu']), undefined);
  assert.equal(closest('relu', []), undefined);
});

test('ties go to the earlier candidate', () => {
  assert.equal(closest('abcd', ['abce', 'abcf']), 'abce');
});

test('didYouMean words the hint', () => {
  assert.equal(didYouMean('conv2dd', ['dense', 'conv2d']), "did you mean 'conv2d'?");
  assert.equal(didYouMean('zzz', ['dense']), undefined);
});
