// ganspec_torch's unit tests (runtime-torch/tests/test_*.py, unittest), each checking values
// against hand values or closed forms: TF 'same' padding on a 5x5 and a 4x4 ramp, conv-transpose
// 'same', Keras batch-norm momentum, NHWC flatten/reshape, dropout's rate and scaling, Glorot
// limits, spectral norm's sigma; Adam, RMSprop and SGD's first two steps; tfjs weight names,
// order, layouts and round trip; build and cycle (only the updated weights move, by SGD's hand
// step; clip, EMA, repeats, decay); the training side's PNGs, IDX files, batches, ring, folders,
// grid inputs and grid pixels (test_data); a freed 64 MiB buffer refilled without page faults once
// gs.keep_freed_memory() has raised glibc's thresholds (test_allocator). Python runs them; this
// file names each and requires "OK".
import assert from 'node:assert/strict';
import { runPython, torchTest } from './torch-runtime';

for (const file of ['test_layers', 'test_optim', 'test_weights', 'test_ops', 'test_step', 'test_data', 'test_allocator']) {
  torchTest(`ganspec_torch ${file}.py: every unittest passes`, (python) => {
    const r = runPython(python, [`runtime-torch/tests/${file}.py`, '-v']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /\nOK\s*$/);
  });
}
