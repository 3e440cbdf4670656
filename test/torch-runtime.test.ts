// ganspec_torch's unit tests (runtime-torch/tests/test_*.py, unittest), each checking values
// against hand values or closed forms: TF 'same' padding on a 5x5 and a 4x4 ramp, conv-transpose
// 'same', Keras batch-norm momentum, NHWC flatten/reshape, dropout's rate and scaling, Glorot
// limits, spectral norm's sigma; Adam, RMSprop and SGD's first two steps; tfjs weight names,
// order, layouts and round trip; build and cycle (only the updated weights move, by SGD's hand
// step; clip, EMA, repeats, decay); the training side's PNGs, IDX files, batches, ring, folders,
// grid inputs and grid pixels (test_data); the stop request's signals (test_stop); each
// output line in one write (test_console); a freed 64 MiB buffer refilled without page faults once
// gs.keep_freed_memory() has raised glibc's thresholds (test_allocator, last: it changes the
// process's allocator). One Python process (torch imported once) runs each file's tests with
// unittest's own runner, each file on its own; this file names each and requires its "OK".
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { runPython, torchPython, torchTest } from './torch-runtime';

const FILES = ['test_layers', 'test_optim', 'test_weights', 'test_ops', 'test_step', 'test_data', 'test_stop', 'test_console', 'test_allocator'];

/** Per file: unittest's report (what `python FILE -v` writes on stderr) and whether it ran at all. */
const reports: Record<string, string> = {};
let failure = '';

const SCRIPT = [
  'import importlib.util, io, json, sys, traceback, unittest',
  'out = {}',
  'for name in sys.argv[1:]:',
  '    stream = io.StringIO()',
  '    try:',
  '        spec = importlib.util.spec_from_file_location(name, f"runtime-torch/tests/{name}.py"); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)',
  '        unittest.TextTestRunner(stream=stream, verbosity=2).run(unittest.defaultTestLoader.loadTestsFromModule(m))',
  '    except Exception:',
  '        stream.write(traceback.format_exc())',
  '    out[name] = stream.getvalue()',
  'print(json.dumps(out))',
].join('\n');

before(() => {
  const python = torchPython();
  if (python === null) return;
  const r = runPython(python, ['-c', SCRIPT, ...FILES]);
  if (r.status !== 0) failure = `the unittest process exited with ${r.status}: ${r.stderr}`;
  else Object.assign(reports, JSON.parse(r.stdout) as Record<string, string>);
});

for (const file of FILES) {
  torchTest(`ganspec_torch ${file}.py: every unittest passes`, () => {
    assert.equal(failure, '');
    const report = reports[file];
    assert.ok(report !== undefined, `no report for ${file}`);
    assert.match(report, /\nOK\s*$/, report);
  });
}
