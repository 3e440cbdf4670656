// gan-export's model files: one tf.LayersModel written in the TensorFlow.js web format
// (model.json + weight shards of at most 4 MiB, the layout tf.loadLayersModel fetches), with
// ganspec's metadata under userDefinedMetadata.ganspec. Imports runtime/ (tf) only.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** The tfjs converter's shard size. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface WebModelFiles {
  /** File names written into the folder, model.json first. */
  files: string[];
  weightBytes: number;
}

/** Writes `model` into `dir` (created) as model.json + group1-shard{i}of{k}.bin. */
export async function saveWebModel(model: tf.LayersModel, dir: string, metadata: Record<string, unknown>): Promise<WebModelFiles> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error(`model ${model.name} saved no weights`);
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const count = Math.max(1, Math.ceil(weights.byteLength / SHARD_BYTES));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  await mkdir(dir, { recursive: true });
  await Promise.all(paths.map((p, i) => writeFile(join(dir, p), weights.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES))));
  const json = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: `ganspec ${String(metadata.ganspecVersion)}`,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
    userDefinedMetadata: { ganspec: metadata },
  };
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  return { files: ['model.json', ...paths], weightBytes: weights.byteLength };
}
