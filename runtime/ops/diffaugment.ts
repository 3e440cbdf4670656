// DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training"):
// the official policies on a batch of images [batch, h, w, c], random per example, every step
// differentiable w.r.t. the images. color: brightness + U(-0.5, 0.5), saturation x U(0, 2) about
// each pixel's channel mean, contrast x U(0.5, 1.5) about the image mean; translation: a shift
// of up to 1/8 of the image (rounded) each way, zeros filled in; cutout: a square of half the
// image (rounded) zeroed, its centre anywhere in the image (clipped at the border). The draws come
// from Math.random (the run's seeded generator) and are plain numbers, so a test can give its own
// (`augmentWith`). Translation and cutout act through matrices and masks built from the draws:
// their gradient is the shift's transpose and the mask; a draws listener (draws.ts) may record
// the draws. Imports only TensorFlow.js and draws.ts.
import * as tf from '@tensorflow/tfjs';
import { tellAugment } from './draws';

export type AugmentPolicy = 'color' | 'translation' | 'cutout';

/** One batch's random draws, one entry per example. */
export interface AugmentDraws {
  color?: { brightness: number[]; saturation: number[]; contrast: number[] };
  /** Output pixel (i, j) is input pixel (i + dy, j + dx), zero outside. */
  translation?: { dy: number[]; dx: number[] };
  /** The zeroed square's top-left corner (may lie outside the image; the square is clipped). */
  cutout?: { top: number[]; left: number[] };
}

/** The largest shift along an axis of `size` pixels: int(size / 8 + 0.5), as the official code. */
export const maxShift = (size: number): number => Math.floor(size * 0.125 + 0.5);
/** The cutout square's side along an axis of `size` pixels: int(size / 2 + 0.5). */
export const cutoutSize = (size: number): number => Math.floor(size * 0.5 + 0.5);

/** A whole number in [lo, hi] from `random`, as torch.randint(lo, hi + 1). */
const randint = (lo: number, hi: number, random: () => number): number => lo + Math.floor(random() * (hi - lo + 1));

/** Draws a batch's augmentation for images of h x w, in the policy's order. */
export function drawAugment(policy: readonly AugmentPolicy[], batch: number, h: number, w: number, random: () => number = Math.random): AugmentDraws {
  const draws: AugmentDraws = {};
  const each = (f: () => number): number[] => Array.from({ length: batch }, f);
  for (const p of policy) {
    if (p === 'color') draws.color = { brightness: each(() => random() - 0.5), saturation: each(() => random() * 2), contrast: each(() => random() + 0.5) };
    if (p === 'translation') draws.translation = { dy: each(() => randint(-maxShift(h), maxShift(h), random)), dx: each(() => randint(-maxShift(w), maxShift(w), random)) };
    if (p === 'cutout') {
      // The official offsets: the square's centre in [0, size + (1 - side % 2)), its corner half a side before.
      const [sh, sw] = [cutoutSize(h), cutoutSize(w)];
      draws.cutout = {
        top: each(() => randint(0, h - (sh % 2), random) - Math.floor(sh / 2)),
        left: each(() => randint(0, w - (sw % 2), random) - Math.floor(sw / 2)),
      };
    }
  }
  return draws;
}

/** Per-example values as a [batch, 1, 1, 1] tensor. */
const perExample = (values: number[]): tf.Tensor4D => tf.tensor4d(values, [values.length, 1, 1, 1]);

function color(x: tf.Tensor4D, d: NonNullable<AugmentDraws['color']>): tf.Tensor4D {
  const bright = tf.add(x, perExample(d.brightness));
  const pixelMean = tf.mean(bright, 3, true);
  const saturated = tf.add(tf.mul(tf.sub(bright, pixelMean), perExample(d.saturation)), pixelMean);
  const imageMean = tf.mean(saturated, [1, 2, 3], true);
  return tf.add(tf.mul(tf.sub(saturated, imageMean), perExample(d.contrast)), imageMean) as tf.Tensor4D;
}

/** [batch, n, n] matrices S with S[b][i][i + shift[b]] = 1 where that index is inside [0, n). */
function shiftMatrices(shift: number[], n: number): tf.Tensor3D {
  const m = new Float32Array(shift.length * n * n);
  shift.forEach((s, b) => {
    for (let i = 0; i < n; i++) if (i + s >= 0 && i + s < n) m[b * n * n + i * n + i + s] = 1;
  });
  return tf.tensor3d(m, [shift.length, n, n]);
}

function translation(x: tf.Tensor4D, d: NonNullable<AugmentDraws['translation']>): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  // Rows: out[b, i] = x[b, i + dy]; then the same along columns on the transposed image.
  const rows = tf.matMul(shiftMatrices(d.dy, h), tf.reshape(x, [b, h, w * c]));
  const cols = tf.reshape(tf.transpose(tf.reshape(rows, [b, h, w, c]), [0, 2, 1, 3]), [b, w, h * c]);
  const shifted = tf.matMul(shiftMatrices(d.dx, w), cols);
  return tf.transpose(tf.reshape(shifted, [b, w, h, c]), [0, 2, 1, 3]) as tf.Tensor4D;
}

function cutout(x: tf.Tensor4D, d: NonNullable<AugmentDraws['cutout']>): tf.Tensor4D {
  const [b, h, w] = x.shape;
  const [sh, sw] = [cutoutSize(h), cutoutSize(w)];
  const mask = new Float32Array(b * h * w).fill(1);
  for (let k = 0; k < b; k++) {
    for (let i = Math.max(0, d.top[k]!); i < Math.min(h, d.top[k]! + sh); i++) {
      for (let j = Math.max(0, d.left[k]!); j < Math.min(w, d.left[k]! + sw); j++) mask[(k * h + i) * w + j] = 0;
    }
  }
  return tf.mul(x, tf.tensor4d(mask, [b, h, w, 1]));
}

/** The policy applied with the given draws (color, then translation, then cutout, as listed). */
export function augmentWith(x: tf.Tensor, policy: readonly AugmentPolicy[], draws: AugmentDraws): tf.Tensor {
  return tf.tidy(() => {
    let y = x as tf.Tensor4D;
    for (const p of policy) {
      if (p === 'color') y = color(y, draws.color!);
      if (p === 'translation') y = translation(y, draws.translation!);
      if (p === 'cutout') y = cutout(y, draws.cutout!);
    }
    return y;
  });
}

/** DiffAugment of a batch of images [batch, h, w, c], with fresh draws from Math.random. */
export function diffAugment(x: tf.Tensor, policy: readonly AugmentPolicy[]): tf.Tensor {
  if (x.rank !== 4) throw new Error(`internal error: diffAugment takes images [batch, h, w, c], got [${x.shape.join(', ')}]`);
  const [batch, h, w] = x.shape as [number, number, number, number];
  return augmentWith(x, policy, tellAugment(drawAugment(policy, batch, h, w)));
}
