// Unit tests of the `extends` merge (compiler/merge.ts, compiler/edit.ts): each case merges a
// parent and a child document in memory and wants the merged document (and no problem) or
// exactly these problems, placed as `doc:pointer`; then where merged values come from, and that
// the schema accepts `{ edit: [...] }` at exactly the places merge.ts edits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeChain, originOf, EDITABLE, type MergeProblem } from '../compiler/merge';
import { schemaProblems, SCHEMA } from '../compiler/validate';
import { BASE } from './unit-helpers';

const D = ['flatten', { id: 'feat', dense: { units: 128 } }, { leaky_relu: 0.2 }, { id: 'score', dense: { units: 1, activation: 'sigmoid' } }];
const parent = { networks: { D: { layers: D } }, schedule: { phases: [{ name: 'critic', update: 'D' }, { update: 'G' }] }, preview: { show: ['G(z)', 'G(w)'] } };
const layersOf = (doc: unknown) => (doc as { networks: { D: { layers: unknown[] } } }).networks.D.layers;
const editD = (...edit: unknown[]) => ({ networks: { D: { layers: { edit } } } });
const line = (p: MergeProblem) => `${p.code} ${p.at.doc}:${p.at.pointer}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`;

function run(docs: unknown[]): { doc: unknown; problems: string[]; where: (pointer: string) => string } {
  const problems: MergeProblem[] = [];
  const { doc, source } = mergeChain(docs, (p) => problems.push(p));
  const where = (pointer: string) => {
    const o = originOf(source, pointer);
    return `${o.doc}:${o.pointer}`;
  };
  return { doc, problems: problems.map(line), where };
}

interface Case {
  name: string;
  /** Default: `parent` above. */
  parent?: unknown;
  child: unknown;
  /** What the merged document shows through `view` (with no problems)... */
  view?: (doc: unknown) => unknown;
  /** ...or, without `view`, the problems. */
  want: unknown;
}

const cases: Case[] = [
  {
    name: 'replace by a negative index: the last layer, without its sigmoid',
    child: editD({ at: -1, replace: { dense: { units: 1 } } }),
    view: layersOf,
    want: [...D.slice(0, 3), { dense: { units: 1 } }],
  },
  {
    name: "set by id merges keys into the layer (objects key by key); its other keys stay",
    child: editD({ at: 'score', set: { dense: { activation: 'linear' } } }),
    view: (doc) => layersOf(doc)[3],
    want: { id: 'score', dense: { units: 1, activation: 'linear' } },
  },
  {
    name: 'remove, and inserts after and before: targets are the parent\'s items, inserts in the order written',
    child: editD({ at: 2, remove: true }, { after: 'feat', insert: [{ dropout: 0.3 }] }, { after: 1, insert: ['relu'] }, { before: 0, insert: [{ reshape: [784] }] }),
    view: layersOf,
    want: [{ reshape: [784] }, 'flatten', D[1], { dropout: 0.3 }, 'relu', D[3]],
  },
  {
    name: 'insert after -1 appends; several edits of a list apply together',
    child: editD({ after: -1, insert: ['sigmoid'] }, { at: 0, replace: 'flatten' }),
    view: layersOf,
    want: [...D, 'sigmoid'],
  },
  {
    name: 'phases by name and by index; preview entries by their text',
    child: { schedule: { phases: { edit: [{ at: 'critic', set: { repeat: 5 } }, { at: 1, set: { update: 'G2' } }] } }, preview: { show: { edit: [{ at: 'G(w)', replace: 'G(v)' }] } } },
    view: (doc) => ({ phases: (doc as typeof parent).schedule.phases, show: (doc as typeof parent).preview.show }),
    want: { phases: [{ name: 'critic', update: 'D', repeat: 5 }, { update: 'G2' }], show: ['G(z)', 'G(v)'] },
  },
  {
    name: 'an edit inside a set edits the list inside the item (a layer\'s reshape is no editable list: refused)',
    child: { schedule: { phases: { edit: [{ at: 0, set: { update: { edit: [{ at: 0, replace: 'G' }] } } }] } } },
    want: ["GS011 1:/schedule/phases/edit/0/set/update/edit: 'edit' changes a list of the parent spec, but 'update' is a single value in the parent, not a list (write 'update' in full)"],
  },
  {
    name: 'a list written in full still replaces the parent\'s',
    child: { networks: { D: { layers: ['flatten'] } } },
    view: layersOf,
    want: ['flatten'],
  },
  {
    name: 'a head or an input named edit is a name, not an edit',
    child: { networks: { D: { inputs: { edit: [4] }, outputs: { edit: [{ dense: { units: 1 } }] } } } },
    view: (doc) => (doc as { networks: { D: unknown } }).networks.D,
    want: { layers: D, inputs: { edit: [4] }, outputs: { edit: [{ dense: { units: 1 } }] } },
  },
  {
    name: 'unknown ids get the closest id, or the names there are; indices past the ends say the range',
    child: editD({ at: 'fet', remove: true }, { at: 'xyz', remove: true }, { after: 4, insert: ['relu'] }, { at: -5, remove: true }),
    want: [
      "GS010 1:/networks/D/layers/edit/0/at: the parent's 'layers' has no item named 'fet' (did you mean 'feat'?)",
      "GS010 1:/networks/D/layers/edit/1/at: the parent's 'layers' has no item named 'xyz' (its items are named 'flatten', 'feat', 'score')",
      "GS010 1:/networks/D/layers/edit/2/after: there is no item 4: the parent's 'layers' has 4 (0 to 3, or -4 to -1)",
      "GS010 1:/networks/D/layers/edit/3/at: there is no item -5: the parent's 'layers' has 4 (0 to 3, or -4 to -1)",
    ],
  },
  {
    name: 'a name that two items answer to needs an index',
    parent: { preview: { show: ['G(z)', 'G(w)', 'G(z)'] } },
    child: { preview: { show: { edit: [{ at: 'G(z)', remove: true }] } } },
    want: ["GS010 1:/preview/show/edit/0/at: 'G(z)' names 2 items of the parent's 'show' (0 and 2) (use an index)"],
  },
  {
    name: 'two edits on one item conflict; the second is reported, naming the first',
    child: editD({ at: 'feat', set: { dense: { units: 256 } } }, { at: 1, replace: 'relu' }, { at: 'flatten', set: { x: 1 } }),
    want: [
      "GS012 1:/networks/D/layers/edit/1/at: item 1 of the parent's 'layers' is already changed by edit 0: one edit per item (combine the two into one edit)",
      "GS011 1:/networks/D/layers/edit/2/set: 'set' merges keys into a mapping, but item 0 of the parent's 'layers' is 'flatten' (use replace)",
    ],
  },
  {
    name: 'malformed edits',
    child: editD(3, { at: 0 }, { replace: 'relu' }, { at: 0, remove: false }, { at: 0, set: 'relu' }, { at: 1.5, remove: true }),
    want: [
      "GS012 1:/networks/D/layers/edit/0: edit 0 is 3, not a mapping (each edit is { at: ITEM, replace: VALUE | set: { KEY: VALUE } | remove: true } or { after | before: ITEM, insert: [VALUE, ...] })",
      "GS012 1:/networks/D/layers/edit/1: edit 1 does nothing: it needs replace, set, remove or insert (each edit is { at: ITEM, replace: VALUE | set: { KEY: VALUE } | remove: true } or { after | before: ITEM, insert: [VALUE, ...] })",
      "GS012 1:/networks/D/layers/edit/2: edit 2 names no item: it needs 'at', 'after' or 'before' (each edit is { at: ITEM, replace: VALUE | set: { KEY: VALUE } | remove: true } or { after | before: ITEM, insert: [VALUE, ...] })",
      "GS012 1:/networks/D/layers/edit/3/remove: 'remove' takes true (got false)",
      "GS012 1:/networks/D/layers/edit/4/set: 'set' takes a mapping of the keys to merge into the item (got 'relu')",
      "GS012 1:/networks/D/layers/edit/5/at: 'at' is an item's index (negative from the end) or its id or name (got 1.5)",
    ],
  },
  {
    name: "'edit' that is not a list",
    child: { networks: { D: { layers: { edit: 'all' } } } },
    want: ["GS012 1:/networks/D/layers/edit: 'edit' takes a list of edits (got 'all') (each edit is { at: ITEM, replace: VALUE | set: { KEY: VALUE } | remove: true } or { after | before: ITEM, insert: [VALUE, ...] })"],
  },
  {
    name: 'edits where the parent has no list: a mapping, nothing, a new network, an inserted item',
    child: {
      networks: { D: { outputs: { edit: [{ at: 0, remove: true }] } }, E: { layers: { edit: [{ at: 0, remove: true }] } } },
      preview: { edit: [{ at: 0, remove: true }] },
      schedule: { phases: { edit: [{ before: 0, insert: [{ update: { edit: [{ at: 0, replace: 'D' }] } }] }] } },
    },
    want: [
      "GS011 1:/networks/D/outputs/edit: 'edit' changes a list of the parent spec, but the parent has no 'outputs' here (write 'outputs' in full)",
      "GS011 1:/networks/E/layers/edit: 'edit' changes a list of the parent spec, but the parent has no 'layers' here (write 'layers' in full)",
      "GS011 1:/preview/edit: 'edit' changes a list of the parent spec, but 'preview' is a mapping in the parent, not a list (edit the lists inside it, under their names)",
      "GS011 1:/schedule/phases/edit/0/insert/0/update/edit: 'edit' changes a list of the parent spec, but the parent has no 'update' here (write 'update' in full)",
    ],
  },
];

for (const c of cases) {
  test(`merge: ${c.name}`, () => {
    const { doc, problems } = run([c.parent ?? parent, c.child]);
    if (c.view) {
      assert.deepEqual(problems, []);
      assert.deepEqual(c.view(doc), c.want);
    } else assert.deepEqual(problems, c.want);
  });
}

test('merge: a spec that extends nothing cannot edit', () => {
  assert.deepEqual(run([editD({ at: 0, remove: true })]).problems, [
    "GS011 0:/networks/D/layers/edit: 'edit' changes a list of the parent spec, but this spec extends no other (write 'layers' in full)",
  ]);
});

test('where merged values come from: kept items in the parent (at their own index), edits in the child', () => {
  const { where, problems } = run([parent, editD({ before: 0, insert: ['relu', { reshape: [784] }] }, { at: 'feat', set: { dense: { units: 256 } } }, { at: -1, replace: { dense: { units: 1 } } })]);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    ['/networks/D/layers', '/networks/D/layers/0', '/networks/D/layers/1/reshape', '/networks/D/layers/2', '/networks/D/layers/3', '/networks/D/layers/3/id', '/networks/D/layers/3/dense/units', '/networks/D/layers/4/leaky_relu', '/networks/D/layers/5/dense', '/networks/D/layers/9', '/schedule/phases/0'].map(where),
    [
      '1:/networks/D/layers',
      '1:/networks/D/layers/edit/0/insert/0',
      '1:/networks/D/layers/edit/0/insert/1/reshape',
      '0:/networks/D/layers/0',
      '1:/networks/D/layers/edit/1/set',
      '0:/networks/D/layers/1/id',
      '1:/networks/D/layers/edit/1/set/dense/units',
      '0:/networks/D/layers/2/leaky_relu',
      '1:/networks/D/layers/edit/2/replace/dense',
      '1:/networks/D/layers/9',
      '0:/schedule/phases/0',
    ],
  );
});

test('where merged values come from through a chain of three: a grandchild edits the child\'s edited list', () => {
  const child = editD({ at: 0, remove: true }, { after: -1, insert: ['sigmoid'] });
  const grandchild = editD({ at: 'feat', set: { dense: { units: 64 } } }, { at: -1, replace: 'tanh' });
  const { doc, where, problems } = run([parent, child, grandchild]);
  assert.deepEqual(problems, []);
  assert.deepEqual(layersOf(doc), [{ id: 'feat', dense: { units: 64 } }, D[2], D[3], 'tanh']);
  assert.deepEqual(['/networks/D/layers/0/id', '/networks/D/layers/0/dense/units', '/networks/D/layers/1', '/networks/D/layers/3'].map(where), ['0:/networks/D/layers/1/id', '2:/networks/D/layers/edit/0/set/dense/units', '0:/networks/D/layers/2', '2:/networks/D/layers/edit/1/replace']);
});

test('the schema accepts { edit: [...] } at exactly the places merge.ts edits, and only in a spec with extends', () => {
  const edit = { edit: [{ at: 0, remove: true }, { after: -1, insert: [] }] };
  const named = (pattern: readonly string[]) => pattern.map((s) => (s === '*' ? 'D' : s));
  const spec = (path: string[]) => {
    const doc = structuredClone({ extends: 'parent.yaml', ...BASE, blocks: { D: { layers: ['relu'] } } }) as Record<string, unknown>;
    (doc.networks as { D: Record<string, unknown> }).D.outputs = { D: ['relu'] };
    let node = doc;
    for (const seg of path.slice(0, -1)) node = node[seg] as Record<string, unknown>;
    node[path.at(-1)!] = structuredClone(edit);
    return doc;
  };
  const at = (path: string[]) => `/${path.join('/')}`;
  // The one problem at each editable place is the empty insert: the edit form itself is accepted.
  for (const pattern of EDITABLE) {
    const path = named(pattern);
    assert.deepEqual(schemaProblems(SCHEMA, spec(path)).map((p) => `${p.pointer}: ${p.message}`), [`${at(path)}/edit/1/insert: must have at least 1 item (got 0)`], at(path));
  }
  assert.equal(EDITABLE.length, 7);
  // Without `extends` there is no parent list to edit: the schema says a list.
  const alone = spec(['networks', 'D', 'layers']);
  delete alone.extends;
  assert.deepEqual(schemaProblems(SCHEMA, alone).map((p) => `${p.pointer}: ${p.message}`), ['/networks/D/layers: must be a list (got an object)', '/networks/D/layers/edit/1/insert: must have at least 1 item (got 0)']);
  // Lists that are not layers, phases or preview entries do not take it.
  for (const path of [['data', 'image'], ['data', 'range'], ['networks', 'G', 'inputs', 'z'], ['losses', 'D']]) {
    const problems = schemaProblems(SCHEMA, spec(path));
    assert.ok(problems.length > 0 && problems.every((p) => p.pointer.startsWith(at(path))), `${at(path)}: ${problems.map((p) => p.message).join('; ')}`);
  }
});
