// gan-sample --format png: the folder half of gan-sample. Checks the folder (new or empty),
// picks the band (--band: an expression of the preview or its index), loads real examples for a
// band that transforms them, and writes one PNG per sample (runtime/loop/sample-folder.ts).
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { AnyTrainer } from '../contract/trainer';
import { DATA_SOURCES } from '../contract/data';
import { loadData } from '../runtime/data';
import { UserError } from '../runtime/errors';
import { defaultBand, writeSampleFolder } from '../runtime/loop/sample-folder';
import { bandIndex } from './band';
import type { ProgressMeter } from './progress';

export interface SampleFolderArgs {
  out: string | undefined;
  n: number;
  seed: number;
  scale: number;
  band: string | undefined;
  dataDir: string;
  progress: ProgressMeter;
  /** tEXt chunks of every PNG (the run's provenance). */
  text?: Record<string, string>;
}

export async function sampleFolder(trainer: AnyTrainer, nets: Record<string, tf.LayersModel>, args: SampleFolderArgs): Promise<string> {
  if (args.out === undefined) throw new UserError('--format png needs --out DIR: the folder to write one PNG per sample into');
  const dir = resolve(args.out);
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UserError(`${args.out} is not empty: write samples into a new or empty folder`);
  const band = args.band === undefined ? defaultBand(trainer) : bandIndex(trainer.preview.bands, args.band);
  let data;
  if (trainer.preview.bands[band].real.length > 0) {
    const split = DATA_SOURCES[trainer.data.source].testSplit ? { split: 'test' as const } : {};
    args.progress('loading data', 0, 1);
    data = await loadData({ ...trainer.data, ...split }, args.dataDir);
    args.progress('loading data', 1, 1);
  }
  mkdirSync(dir, { recursive: true });
  const r = await writeSampleFolder(trainer, nets, dir, { n: args.n, seed: args.seed, band, scale: args.scale, data, progress: args.progress, text: args.text });
  return `wrote ${r.files} PNG files of ${r.band} into ${args.out}${r.labels ? ` and labels.csv (the ${r.labels} of each sample)` : ''}`;
}
