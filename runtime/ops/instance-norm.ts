// Instance normalization as a tfjs layer: each example's channels normalised over height and
// width, then scaled and shifted by learned per-channel gamma and beta. Registered for
// serialization so saved models name it. gan-export's sampler carries a copy (export/
// sampler-source.ts CUSTOM_LAYERS; test/export-translate.test.ts checks they agree): change both.
import * as tf from '@tensorflow/tfjs';

export interface InstanceNormalizationArgs {
  epsilon?: number;
  name?: string;
}

export class InstanceNormalization extends tf.layers.Layer {
  static className = 'GanspecInstanceNormalization';
  private readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;

  constructor(args: InstanceNormalizationArgs = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-3;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { mean, variance } = tf.moments(x, [1, 2], true);
      const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normalized, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(InstanceNormalization);

export function instanceNormalization(args: InstanceNormalizationArgs = {}): InstanceNormalization {
  return new InstanceNormalization(args);
}
