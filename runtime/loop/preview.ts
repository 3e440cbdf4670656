// Renders a trainer's preview (its sample grid) to a PNG from fixed inputs: the same random
// inputs and real examples every time, drawn once from their own seed, so grids of one run
// compare across steps and across a resume.
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../../contract/data';
import { installSeededRandom, restoreRng, rngState } from '../rng';
import { gridImage, type RawImage, upscale } from '../images/grid';
import { scatterImage } from '../images/scatter';
import { writePng } from '../images/png';
import type { AnyTrainer } from '../../contract/trainer';
import { gridInputs } from './random-inputs';

export interface PreviewInputs {
  real: Record<string, tf.Tensor>;
  sampled: Record<string, tf.Tensor>;
  rows: number;
  cols: number;
}

/** Draws the preview inputs from `seed` without disturbing the training random stream. */
export function previewInputs(trainer: AnyTrainer, data: DataSource, seed: number, rows = trainer.preview.rows, cols = trainer.preview.cols): PreviewInputs {
  const saved = rngState();
  installSeededRandom(seed);
  try {
    const p = trainer.preview;
    const sampled = gridInputs(trainer.samples, p.sampled, rows, cols, p.perRow, p.perCol);
    const real: Record<string, tf.Tensor> = {};
    if (p.real.length > 0) {
      const batch = data.batch(rows * cols, Math.random);
      for (const [name, t] of Object.entries(batch)) {
        if (p.real.includes(name)) real[name] = t;
        else t.dispose();
      }
    }
    return { real, sampled, rows, cols };
  } finally {
    restoreRng(saved);
  }
}

/** Runs the preview and writes the grid: each band's images fill `rows` rows of `cols`; `text` goes into tEXt chunks. */
export async function writePreview(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>, inputs: PreviewInputs, file: string, scale = 1, text: Record<string, string> = {}): Promise<void> {
  let rows = 0;
  const all = tf.tidy(() => {
    const bands = trainer.render(nets, inputs.real, inputs.sampled) as tf.Tensor4D[];
    rows = inputs.rows * bands.length;
    return (bands.length === 1 ? bands[0] : tf.concat(bands, 0)) as tf.Tensor4D;
  });
  let image: RawImage;
  try {
    // Two channels are 2-D points, not pixels: plot them.
    image = all.shape[3] === 2 ? scatterImage((await all.data()) as Float32Array) : await gridImage(all, rows, inputs.cols, trainer.data.range);
  } finally {
    all.dispose();
  }
  await writePng(file, upscale(image, scale), text);
}

export function disposeInputs(inputs: PreviewInputs): void {
  tf.dispose([...Object.values(inputs.real), ...Object.values(inputs.sampled)]);
}
