// A tf.io.IOHandler for pure tfjs (no tfjs-node `file://`): model.save(handler) writes
// model.json + weights.bin into a directory in the tfjs on-disk format, and
// tf.loadLayersModel(handler) reads them back. model.json also records weights.bin's SHA-256.
import * as tf from '@tensorflow/tfjs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../errors';
import { writeFileDurable } from '../atomic-write';
import { checkDigest, isRecord, readBuffer, readJson, sha256 } from './files';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Reads a model directory, with a UserError naming the file when one is missing or corrupt. */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonFile = path.join(dir, MODEL_JSON);
  const json = await readJson(jsonFile);
  const manifest = isRecord(json) ? json.weightsManifest : undefined;
  if (!isRecord(json) || !isRecord(json.modelTopology) || !Array.isArray(manifest) || !manifest.every(isWeightGroup)) {
    throw new UserError(`corrupt checkpoint file ${jsonFile}: not a tfjs layers model.json`);
  }
  const groups = manifest as tf.io.WeightsManifestConfig;
  const buffers = await Promise.all(groups.flatMap((g) => g.paths).map((p) => readBuffer(path.join(dir, p))));
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  checkDigest(path.join(dir, WEIGHTS_BIN), weightData, json.weightsSha256);
  return {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    format: json.format as string | undefined,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: json.convertedBy as string | null | undefined,
    trainingConfig: json.trainingConfig as tf.io.TrainingConfig | undefined,
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData,
  };
}

function isWeightGroup(x: unknown): boolean {
  return isRecord(x) && Array.isArray(x.paths) && x.paths.every((p) => typeof p === 'string') &&
    Array.isArray(x.weights) && x.weights.every((w) => isRecord(w) && typeof w.name === 'string' && Array.isArray(w.shape));
}

export function dirIOHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('dirIOHandler saves layers models only (got a binary graph topology)');
      }
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        trainingConfig: artifacts.trainingConfig,
        userDefinedMetadata: artifacts.userDefinedMetadata,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        weightsSha256: sha256(weights),
      };
      await mkdir(dir, { recursive: true });
      await writeFileDurable(path.join(dir, WEIGHTS_BIN), weights);
      await writeFileDurable(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: () => readModelArtifacts(dir),
  };
}
