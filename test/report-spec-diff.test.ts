// report/spec-diff.ts: key-by-key differences of two JSON documents (resolved specs);
// report/spec-doc.ts: the --set overrides of a recorded command line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffJson, formatDifference } from '../report/spec-diff';
import { setOverrides } from '../report/spec-doc';

test('changed, added and removed keys, arrays index by index, in document order', () => {
  const a = { name: 'gan', schedule: { batch: 32, phases: [{ update: 'D' }, { update: 'G' }] }, x: 1 };
  const b = { name: 'gan', schedule: { batch: 64, phases: [{ update: 'D' }] }, y: 2 };
  assert.deepEqual(diffJson(a, b), [
    { pointer: '/schedule/batch', kind: 'changed', a: 32, b: 64 },
    { pointer: '/schedule/phases/1', kind: 'removed', a: { update: 'G' } },
    { pointer: '/x', kind: 'removed', a: 1 },
    { pointer: '/y', kind: 'added', b: 2 },
  ]);
  assert.deepEqual(diffJson(b, a).map(formatDifference), [
    '/schedule/batch: 64 → 32',
    '/schedule/phases/1: added {"update":"G"}',
    '/y: removed 2',
    '/x: added 1',
  ]);
});

test('identical documents have no difference; keys are escaped; a type change is one change', () => {
  assert.deepEqual(diffJson({ a: [1, { b: null }] }, { a: [1, { b: null }] }), []);
  assert.deepEqual(diffJson({ 'a/b~c': 1 }, { 'a/b~c': 2 }).map((d) => d.pointer), ['/a~1b~0c']);
  assert.deepEqual(diffJson({ a: [1] }, { a: { 0: 1 } }), [{ pointer: '/a', kind: 'changed', a: [1], b: { 0: 1 } }]);
  assert.deepEqual(diffJson(1, 2).map(formatDifference), ['/: 1 → 2']);
});

test('the --set values of a recorded gan-train command line, read as yargs reads them', () => {
  assert.deepEqual(setOverrides(['gan-train', 'specs/gan.yaml', '--set', 'a=1', '--steps', '5', '--set=b.c=2', '--set', 'd=3', 'e=4', '--resume']), ['a=1', 'b.c=2', 'd=3', 'e=4']);
  assert.deepEqual(setOverrides(['gan-train', 'specs/gan.yaml']), []);
});
