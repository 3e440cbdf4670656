// Samples for the field's FID tools: n samples of one preview band, one PNG file per sample in a
// flat folder (000000.png, 000001.png, ...), the layout clean-fid, pytorch-fid and
// torch-fidelity read, plus labels.csv ("file,label") when the band reads a class-label input.
// Inputs are drawn as gan-eval draws them (eval/evaluate.ts): from `seed`, every label and code
// fixed to i mod K (balanced classes), the other random inputs drawn; a band that transforms real
// images takes the data's examples in order. Pixels are the sample grids' (runtime/images/grid.ts:
// the data range mapped to 0..255), at the data's size unless scaled. Imports runtime/, contract/.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DataSource } from '../../contract/data';
import { isSourceBand, type AnyTrainer } from '../../contract/trainer';
import { UserError } from '../errors';
import { gridImage, upscale } from '../images/grid';
import { encodePng } from '../images/png';
import { installSeededRandom, restoreRng, rngState } from '../rng';
import { drawInput } from './random-inputs';

export interface SampleFolderOptions {
  n: number;
  seed: number;
  /** Index of the preview band to write. */
  band: number;
  /** Enlarge each image this many times (nearest neighbour); default 1. */
  scale?: number;
  batch?: number;
  /** Real examples, for a band that reads real inputs (taken in order). */
  data?: DataSource;
  progress?: (what: string, done: number, total: number) => void;
  /** tEXt chunks of every PNG (the run's provenance). */
  text?: Record<string, string>;
}

export interface SampleFolderResult {
  files: number;
  band: string;
  /** The label input written to labels.csv, if any. */
  labels?: string;
}

/** The identifiers of `names` that an expression reads. */
/** The band gan-sample writes by default: the first that is not a real input shown as is. */
export function defaultBand(trainer: AnyTrainer): number {
  const i = trainer.preview.bands.findIndex((b) => !isSourceBand(b));
  return Math.max(0, i);
}

/** File name of sample i of n: at least 6 digits, zero-padded. */
export function sampleFileName(i: number, n: number): string {
  return `${String(i).padStart(Math.max(6, String(n - 1).length), '0')}.png`;
}

/** A `random` for DataSource.batch that draws the examples start .. start + n - 1 in order. */
function sequential(start: number, n: number, size: number): () => number {
  let c = 0;
  return () => ((start + (c++ % n)) % size + 0.5) / size;
}

export async function writeSampleFolder(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>, dir: string, opts: SampleFolderOptions): Promise<SampleFolderResult> {
  const p = trainer.preview;
  const band = p.bands[opts.band];
  if (band === undefined) throw new UserError(`the preview has ${p.bands.length} band(s); there is no band ${opts.band}`);
  if (trainer.data.image[2] === 2) throw new UserError(`${trainer.name}'s samples are 2-D points, not images: there is nothing for an FID tool to read`);
  if (band.real.length > 0 && !opts.data) throw new Error(`band ${band.text} reads real inputs: pass the data`);
  const n = band.real.length > 0 ? Math.min(opts.n, opts.data!.size) : opts.n;
  const defs = trainer.samples.filter((d) => p.sampled.includes(d.name));
  const fixed: Record<string, Int32Array> = {};
  for (const d of defs) if (d.kind === 'label' || d.kind === 'categorical') fixed[d.name] = Int32Array.from({ length: n }, (_, i) => i % d.size);
  const label = defs.find((d) => d.kind === 'label' && band.sampled.includes(d.name));
  const batch = opts.batch ?? 250;
  const [h, w, c] = trainer.data.image;
  const size = h * w * c;

  let saved: number[] | null = null;
  try {
    saved = rngState();
  } catch {
    saved = null;
  }
  installSeededRandom(opts.seed);
  try {
    for (let start = 0; start < n; start += batch) {
      opts.progress?.('writing samples', start, n);
      const count = Math.min(batch, n - start);
      // One column of `count` images, no padding: image i is bytes [i * size, (i + 1) * size).
      const images = tf.tidy(() => {
        const sampled: Record<string, tf.Tensor> = {};
        for (const d of defs) sampled[d.name] = fixed[d.name] ? drawInput(d, count, fixed[d.name].subarray(start, start + count)) : drawInput(d, count);
        const real: Record<string, tf.Tensor> = {};
        if (band.real.length > 0) {
          for (const [name, t] of Object.entries(opts.data!.batch(count, sequential(start, count, opts.data!.size)))) if (p.real.includes(name)) real[name] = t;
        }
        return trainer.render(nets, real, sampled)[opts.band] as tf.Tensor4D;
      });
      const column = await gridImage(images, count, 1, trainer.data.range, 0).finally(() => images.dispose());
      await Promise.all(Array.from({ length: count }, async (_, k) => {
        const img = { data: column.data.subarray(k * size, (k + 1) * size), width: w, height: h, channels: column.channels };
        await writeFile(join(dir, sampleFileName(start + k, n)), await encodePng(upscale(img, opts.scale ?? 1), opts.text));
      }));
    }
    opts.progress?.('writing samples', n, n);
  } finally {
    if (saved) restoreRng(saved);
  }
  if (label) {
    const lines = Array.from({ length: n }, (_, i) => `${sampleFileName(i, n)},${fixed[label.name][i]}\n`);
    await writeFile(join(dir, 'labels.csv'), `file,label\n${lines.join('')}`);
  }
  return { files: n, band: band.text, ...(label ? { labels: label.name } : {}) };
}
