// Draws the random inputs a spec names (normal and uniform of any shape and range, label,
// categorical) for a batch, and the fixed inputs of a preview grid, where an input may be held
// along a row or a column. Draws come from Math.random (the run's seeded RNG, runtime/rng.ts).
import * as tf from '@tensorflow/tfjs';
import type { SampleDef } from '../../contract/trainer';

function labels(n: number, classes: number): tf.Tensor1D {
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.floor(Math.random() * classes);
  return tf.tensor1d(values, 'int32');
}

/** n draws of one random input, [n, ...shape]; labels and codes may be given instead of drawn. */
export function drawInput(def: SampleDef, n: number, classIndex?: Int32Array): tf.Tensor {
  switch (def.kind) {
    case 'normal':
      return tf.randomNormal([n, ...def.shape], def.mean, def.std);
    case 'uniform':
      return tf.randomUniform([n, ...def.shape], def.low, def.high);
    case 'label':
      return classIndex ? tf.tensor1d(classIndex, 'int32') : labels(n, def.size);
    case 'categorical':
      return tf.tidy(() => tf.oneHot(classIndex ? tf.tensor1d(classIndex, 'int32') : labels(n, def.size), def.size).toFloat());
  }
}

export function drawInputs(defs: readonly SampleDef[], names: readonly string[], n: number): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {};
  for (const def of defs) if (names.includes(def.name)) out[def.name] = drawInput(def, n);
  return out;
}

/**
 * The inputs of a rows x cols grid, row-major. An input held per row (per column) is drawn once
 * per row (column) and repeated along it; a held label or code takes the row (column) index.
 */
export function gridInputs(defs: readonly SampleDef[], names: readonly string[], rows: number, cols: number, perRow: readonly string[], perCol: readonly string[]): Record<string, tf.Tensor> {
  const n = rows * cols;
  const out: Record<string, tf.Tensor> = {};
  for (const def of defs) {
    if (!names.includes(def.name)) continue;
    const held = perRow.includes(def.name) ? 'row' : perCol.includes(def.name) ? 'col' : null;
    if (held === null) {
      out[def.name] = drawInput(def, n);
      continue;
    }
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) index[i] = held === 'row' ? Math.floor(i / cols) : i % cols;
    if (def.kind === 'label' || def.kind === 'categorical') {
      out[def.name] = drawInput(def, n, index.map((k) => k % def.size));
    } else {
      out[def.name] = tf.tidy(() => tf.gather(drawInput(def, held === 'row' ? rows : cols), tf.tensor1d(index, 'int32')));
    }
  }
  return out;
}
