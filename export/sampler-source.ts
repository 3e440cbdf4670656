// gan-export's sampler: generates sampler.ts, a typed module for one exported generator, from
// the spec's IR (compiler/ lowerSpec): the preview band it exports becomes a small forward
// function, the spec's random inputs become typed options (a label is `0 | 1 | ... | 9`).
// Random inputs are drawn as gan-sample --format png draws them (runtime/loop/sample-folder.ts):
// an sfc32 stream from the seed whose values seed tf.randomNormal/randomUniform, labels and codes
// i mod K unless given, chunks of 250. ganspec's own layers the networks use (`instancenorm`,
// `spectral_norm`'s layer as inference runs it, the compiler's folded upsampling and convolution)
// are generated into the sampler and registered under the class names model.json records, so the
// export loads without ganspec. The generated module imports only @tensorflow/tfjs.
// Imports compiler/ (IR, statement rendering) and reads runtime/ops/upsampled-conv.ts as text.
import { readFileSync } from 'node:fs';
import { renderStmt, type ModuleIR, type Stmt } from '../compiler/index';
import { isSourceBand } from '../contract/trainer';
import { UserError } from '../runtime/errors';

/** What gan-export records about the model, embedded in the sampler as `info`. */
export interface ExportInfo {
  name: string;
  paper: string;
  spec: string;
  band: string;
  kind: 'sample' | 'translate';
  networks: string[];
  image: [number, number, number];
  range: [number, number];
  step: number;
  steps: number;
  batch: number;
  seed: number;
  backend: string;
  trainingSeconds: number | null;
  ganspecVersion: string;
  specSha256: string;
  moduleSha256: string | null;
  /** The random inputs the band reads; normal ones carry mean and std, uniform ones low and high. */
  inputs: { name: string; option: string; kind: 'normal' | 'uniform' | 'label' | 'categorical'; size: number; mean?: number; std?: number; low?: number; high?: number }[];
  realInputs: string[];
}

type Band = ModuleIR['preview']['bands'][number];

/** The band to export: `index` (gan-export --band), else the one gan-sample writes by default,
 *  the first that is not a real input shown as is. A band of real images alone has no generator. */
export function exportBand(ir: ModuleIR, index?: number): { band: Band; index: number } {
  const bands = ir.preview.bands;
  const i = index ?? Math.max(0, bands.findIndex((b) => !isSourceBand(b)));
  if (isSourceBand(bands[i]!)) throw new UserError(`${ir.name}'s preview band ${i} (${bands[i]!.text}) shows real images as they are: no generator to export`);
  return { band: bands[i]!, index: i };
}

/** The statements `result` needs, in order, and the networks they call. */
export function bandStatements(stmts: Stmt[], result: string): { stmts: Stmt[]; networks: string[] } {
  const byId = new Map(stmts.map((s) => [s.id, s]));
  const need = new Set<string>();
  const visit = (id: string): void => {
    if (need.has(id)) return;
    need.add(id);
    const s = byId.get(id)!;
    const refs: string[] = [];
    switch (s.op) {
      case 'input':
        break;
      case 'column':
      case 'head':
      case 'onehot':
      case 'unary':
      case 'reduce':
        refs.push(s.arg);
        break;
      case 'apply':
        refs.push(...s.args);
        break;
      case 'binary':
        for (const o of [s.a, s.b]) if ('ref' in o) refs.push(o.ref);
        break;
      default:
        throw new Error(`the preview band uses '${s.op}', which a sampler cannot run`);
    }
    refs.forEach(visit);
  };
  visit(result);
  const kept = stmts.filter((s) => need.has(s.id));
  const networks = [...new Set(kept.flatMap((s) => (s.op === 'apply' ? [s.net] : [])))];
  return { stmts: kept, networks };
}

/** The option key of each random input: `label` / `code` where the spec has one of that kind. */
export function optionKeys(samples: ModuleIR['samples']): Map<string, string> {
  const count = (k: string): number => samples.filter((s) => s.kind === k).length;
  return new Map(samples.map((s) => [s.name, s.kind === 'label' && count('label') === 1 ? 'label' : s.kind === 'categorical' && count('categorical') === 1 ? 'code' : s.name]));
}

/** A runtime layer that imports only tfjs, as sampler source: its own text, less its header and import. */
function runtimeLayer(file: string, what: string): string {
  const text = readFileSync(new URL(`../runtime/ops/${file}`, import.meta.url), 'utf8');
  const opening = /^(\/\/.*\n)+import \* as tf from '@tensorflow\/tfjs';\n\n/.exec(text);
  if (opening === null) throw new Error(`internal error: runtime/ops/${file} must open with its header comment and tfjs's import alone`);
  return `/** ${what} (runtime/ops/${file}), registered for loading. */\n${text.slice(opening[0].length).trimEnd()}`;
}

/**
 * ganspec's own layers (namespace `gs`, and the fold's gs.upsampledConv2d) as sampler.ts source,
 * by factory: the same class name, config and computation as runtime/ops/ (a copy: the export
 * must run without ganspec; the export tests check both give identical outputs). The folded
 * layer is runtime/ops/upsampled-conv.ts's own text, read when gan-export runs.
 */
export const CUSTOM_LAYERS: Readonly<Record<string, string>> = {
  instanceNormalization: [
    `/** ganspec's instance normalization (runtime/ops/instance-norm.ts), registered for loading. */`,
    `export class InstanceNormalization extends tf.layers.Layer {`,
    `  static className = "GanspecInstanceNormalization";`,
    `  private readonly epsilon: number;`,
    `  private gamma!: tf.LayerVariable;`,
    `  private beta!: tf.LayerVariable;`,
    ``,
    `  constructor(args: { epsilon?: number; name?: string } = {}) {`,
    `    super({ name: args.name });`,
    `    this.epsilon = args.epsilon ?? 1e-3;`,
    `  }`,
    ``,
    `  override build(inputShape: tf.Shape | tf.Shape[]): void {`,
    `    const shape = inputShape as tf.Shape;`,
    `    const channels = shape[shape.length - 1] as number;`,
    `    this.gamma = this.addWeight("gamma", [channels], "float32", tf.initializers.ones());`,
    `    this.beta = this.addWeight("beta", [channels], "float32", tf.initializers.zeros());`,
    `    this.built = true;`,
    `  }`,
    ``,
    `  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {`,
    `    return tf.tidy(() => {`,
    `      const x = Array.isArray(inputs) ? inputs[0]! : inputs;`,
    `      const { mean, variance } = tf.moments(x, [1, 2], true);`,
    `      const normalized = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.epsilon)));`,
    `      return tf.add(tf.mul(normalized, this.gamma.read()), this.beta.read());`,
    `    });`,
    `  }`,
    ``,
    `  override getConfig(): tf.serialization.ConfigDict {`,
    `    return { ...super.getConfig(), epsilon: this.epsilon };`,
    `  }`,
    `}`,
    `tf.serialization.registerClass(InstanceNormalization);`,
  ].join('\n'),
  spectralNorm: [
    `/** ganspec's spectral normalisation (runtime/ops/spectral-norm.ts) as inference runs it: W / sigma with the trained u. */`,
    `export class SpectralNorm extends tf.layers.Layer {`,
    `  static className = "GanspecSpectralNorm";`,
    `  private readonly kind: "dense" | "conv2d" | "conv2d_transpose";`,
    `  private readonly units: number;`,
    `  private readonly kernelSize: [number, number];`,
    `  private readonly strides: [number, number];`,
    `  private readonly padding: "same" | "valid";`,
    `  private readonly useBias: boolean;`,
    `  private kernel!: tf.LayerVariable;`,
    `  private bias: tf.LayerVariable | null = null;`,
    `  private u!: tf.LayerVariable;`,
    ``,
    `  constructor(args: { kind: "dense" | "conv2d" | "conv2d_transpose"; units: number; kernelSize?: [number, number]; strides?: [number, number]; padding?: "same" | "valid"; useBias?: boolean; name?: string }) {`,
    `    super({ name: args.name });`,
    `    this.kind = args.kind;`,
    `    this.units = args.units;`,
    `    this.kernelSize = args.kernelSize ?? [1, 1];`,
    `    this.strides = args.strides ?? [1, 1];`,
    `    this.padding = args.padding ?? "same";`,
    `    this.useBias = args.useBias ?? true;`,
    `  }`,
    ``,
    `  override build(inputShape: tf.Shape | tf.Shape[]): void {`,
    `    const shape = inputShape as tf.Shape;`,
    `    const inputs = shape[shape.length - 1] as number;`,
    `    const [kh, kw] = this.kernelSize;`,
    `    const kernelShape = this.kind === "dense" ? [inputs, this.units] : this.kind === "conv2d" ? [kh, kw, inputs, this.units] : [kh, kw, this.units, inputs];`,
    `    this.kernel = this.addWeight("kernel", kernelShape, "float32", tf.initializers.zeros());`,
    `    if (this.useBias) this.bias = this.addWeight("bias", [this.units], "float32", tf.initializers.zeros());`,
    `    this.u = this.addWeight("sn_u", [this.units], "float32", tf.initializers.ones(), undefined, false);`,
    `    this.built = true;`,
    `  }`,
    ``,
    `  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {`,
    `    const s = inputShape as tf.Shape;`,
    `    if (this.kind === "dense") return [...s.slice(0, -1), this.units];`,
    `    const [h, w] = [s[1] as number, s[2] as number];`,
    `    const [kh, kw] = this.kernelSize;`,
    `    const [sh, sw] = this.strides;`,
    `    const valid = this.padding === "valid";`,
    `    if (this.kind === "conv2d_transpose") return [s[0], h * sh + (valid ? Math.max(kh - sh, 0) : 0), w * sw + (valid ? Math.max(kw - sw, 0) : 0), this.units];`,
    `    const out = (n: number, k: number, st: number): number => (valid ? Math.floor((n - k) / st) + 1 : Math.ceil(n / st));`,
    `    return [s[0], out(h, kh, sh), out(w, kw, sw), this.units];`,
    `  }`,
    ``,
    `  /** W / sigma, sigma = u^T W v with v = W^T u / |W^T u| (W the kernel read as [out, in*kh*kw]). */`,
    `  normalizedKernel(): tf.Tensor {`,
    `    return tf.tidy(() => {`,
    `      const kernel = this.kernel.read();`,
    `      const k = this.kind === "conv2d_transpose" ? tf.transpose(kernel, [0, 1, 3, 2]) : kernel;`,
    `      const m = tf.reshape(k, [-1, k.shape[k.shape.length - 1]!]) as tf.Tensor2D;`,
    `      const normalize = (x: tf.Tensor): tf.Tensor => tf.div(x, tf.maximum(tf.norm(x), 1e-12));`,
    `      const u = normalize(this.u.read()).reshape([-1, 1]);`,
    `      const v = normalize(tf.matMul(m, u as tf.Tensor2D));`,
    `      return tf.div(kernel, tf.sum(tf.mul(v, tf.matMul(m, u as tf.Tensor2D))));`,
    `    });`,
    `  }`,
    ``,
    `  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {`,
    `    return tf.tidy(() => {`,
    `      const x = Array.isArray(inputs) ? inputs[0]! : inputs;`,
    `      const w = this.normalizedKernel();`,
    `      let y: tf.Tensor;`,
    `      if (this.kind === "dense") {`,
    `        const flat = tf.reshape(x, [-1, x.shape[x.shape.length - 1]!]);`,
    `        y = tf.reshape(tf.matMul(flat as tf.Tensor2D, w as tf.Tensor2D), [...x.shape.slice(0, -1), this.units]);`,
    `      } else if (this.kind === "conv2d") {`,
    `        y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, this.strides, this.padding);`,
    `      } else {`,
    `        const out = this.computeOutputShape(x.shape) as number[];`,
    `        y = tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [x.shape[0]!, out[1]!, out[2]!, this.units], this.strides, this.padding);`,
    `      }`,
    `      return this.bias ? tf.add(y, this.bias.read()) : y;`,
    `    });`,
    `  }`,
    ``,
    `  override getConfig(): tf.serialization.ConfigDict {`,
    `    return { ...super.getConfig(), kind: this.kind, units: this.units, kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, useBias: this.useBias };`,
    `  }`,
    `}`,
    `tf.serialization.registerClass(SpectralNorm);`,
  ].join('\n'),
  upsampledConv2d: runtimeLayer('upsampled-conv.ts', "ganspec's folded 2x upsampling and stride-1 'same' convolution"),
};

const union = (k: number): string => Array.from({ length: k }, (_, i) => String(i)).join(' | ');

/** The draw of a continuous input, [count, size], as runtime/loop/random-inputs.ts draws it. */
function drawCall(d: ExportInfo['inputs'][number], seed: string): string {
  return d.kind === 'normal'
    ? `tf.randomNormal([count, ${d.size}], ${d.mean ?? 0}, ${d.std ?? 1}, "float32", ${seed})`
    : `tf.randomUniform([count, ${d.size}], ${d.low ?? -1}, ${d.high ?? 1}, "float32", ${seed})`;
}

/** sampler.ts for `info` (its inputs already chosen) and the band's statements. */
export function samplerSource(info: ExportInfo, stmts: Stmt[], result: string, customLayers: readonly string[] = []): string {
  const translate = info.kind === 'translate';
  const lines: string[] = [];
  const typeName = (opt: string): string => (opt === 'label' ? 'Label' : opt === 'code' ? 'Code' : `${opt[0]!.toUpperCase()}${opt.slice(1)}Value`);
  const types = info.inputs.filter((d) => d.kind === 'label' || d.kind === 'categorical').map((d) =>
    `/** A value of ${d.name}: ${d.kind === 'label' ? 'a class' : 'a categorical code'} of ${d.size}. */\nexport type ${typeName(d.option)} = ${union(d.size)};`);
  const options = info.inputs.map((d) => {
    if (d.kind === 'label' || d.kind === 'categorical') {
      return `  /** ${d.name} (${d.kind}(${d.size})) of every image, or one per image; default: image i gets i mod ${d.size}. */\n  readonly ${d.option}?: ${typeName(d.option)} | readonly ${typeName(d.option)}[];`;
    }
    return `  /** ${d.name} (${d.kind}(${d.size})) given instead of drawn: [n, ${d.size}]. */\n  readonly ${d.option}?: tf.Tensor2D;`;
  });
  const draws = info.inputs.map((d) => {
    const o = `options.${d.option}`;
    switch (d.kind) {
      case 'normal':
      case 'uniform': {
        const seed = 'next()';
        const draw = drawCall(d, 'seed');
        return `    { const seed = ${seed}; sampled[${JSON.stringify(d.name)}] = ${o} ? tf.slice(${o}, [start, 0], [count, ${d.size}]) : ${draw}; }`;
      }
      case 'label':
        return `    sampled[${JSON.stringify(d.name)}] = tf.tensor1d(classes(${o}, ${d.size}, start, count, n), "int32");`;
      case 'categorical':
        return `    sampled[${JSON.stringify(d.name)}] = tf.cast(tf.oneHot(tf.tensor1d(classes(${o}, ${d.size}, start, count, n), "int32"), ${d.size}), "float32");`;
    }
  });
  const body = stmts.map((s) => `  const ${s.id} = ${renderStmt(s, { real: 'real', sampled: 'sampled' }).replace('{ training: true }', '{ training: false }')};`);
  const [h, w, c] = info.image;
  lines.push(
    `// @generated by gan-export from ${info.spec} (${info.name}, step ${info.step}): do not edit.`,
    `// A typed sampler for the exported generator ${info.networks.join(', ')} (${info.band}): load() reads`,
    `// models/<network>/model.json next to this file (browser: fetch; Node: the file system),`,
    translate
      ? `// translate() runs it on your images. Imports only @tensorflow/tfjs (use any backend).`
      : `// sample() draws images exactly as \`gan-sample --format png\` does for the same seed (on the cpu backend).`,
    ...(translate ? [] : [`// Imports only @tensorflow/tfjs (use any backend).`]),
    `import * as tf from "@tensorflow/tfjs";`,
    '',
    ...customLayers.flatMap((f) => [CUSTOM_LAYERS[f]!, '']),
    `/** The model: what gan-export wrote and how it was trained. */`,
    `export const info = ${JSON.stringify(info, null, 2)} as const;`,
    '',
    ...types.flatMap((t) => [t, '']),
    `/** Images out of the generator. */`,
    `export interface Samples {`,
    `  /** [n, ${h}, ${w}, ${c}], values in the data range [${info.range.join(', ')}]; dispose() it when done. */`,
    `  readonly images: tf.Tensor4D;`,
    `  /** One RGBA picture per image, ready for \`new ImageData(pixels[i], width, height)\`. */`,
    `  readonly pixels: Uint8ClampedArray<ArrayBuffer>[];`,
    `  readonly width: ${w};`,
    `  readonly height: ${h};`,
    `}`,
    '',
  );
  if (!translate) {
    lines.push(
      `export interface SampleOptions {`,
      `  /** How many images. */`,
      `  readonly n: number;`,
      `  /** Seed of the random inputs (default 0): the same seed gives the same images. */`,
      `  readonly seed?: number;`,
      ...options,
      `}`,
      '',
    );
  } else {
    lines.push(
      `/** A picture: RGBA bytes as in ImageData (any size; scaled to ${w}x${h}), or a tensor [n, ${h}, ${w}, ${c}] in [${info.range.join(', ')}]. */`,
      `export type ImageInput = { readonly data: Uint8ClampedArray | Uint8Array; readonly width: number; readonly height: number } | tf.Tensor4D;`,
      '',
    );
  }
  lines.push(
    `/** A loaded generator. */`,
    `export interface Generator {`,
    `  readonly info: typeof info;`,
    translate ? `  /** ${info.band} on your image(s). */\n  translate(image: ImageInput): Promise<Samples>;` : `  /** n images of ${info.band}. */\n  sample(options: SampleOptions): Promise<Samples>;`,
    `  /** Frees the networks' weights. */`,
    `  dispose(): void;`,
    `}`,
    '',
    `const RANGE: readonly [number, number] = [${info.range.join(', ')}];`,
    `const CHUNK = 250;`,
    '',
    `type Nets = Record<string, tf.LayersModel>;`,
    '',
    `/** ${info.band}, as the spec's preview computes it (inference mode). */`,
    `function forward(nets: Nets, real: Record<string, tf.Tensor>, sampled: Record<string, tf.Tensor>): tf.Tensor4D {`,
    ...body,
    `  return ${result} as tf.Tensor4D;`,
    `}`,
    '',
    `/** sfc32 seeded as ganspec seeds Math.random (runtime/rng.ts). */`,
    `function sfc32(seed: number): () => number {`,
    `  if (!Number.isSafeInteger(seed)) throw new RangeError(\`seed must be an integer, got \${seed}\`);`,
    `  const s = Uint32Array.of(seed >>> 0, Math.floor(seed / 4294967296) >>> 0, 0x9e3779b9, 1);`,
    `  const next = (): number => {`,
    `    const t = (s[0]! + s[1]! + s[3]!) >>> 0;`,
    `    s[3] = s[3]! + 1;`,
    `    s[0] = s[1]! ^ (s[1]! >>> 9);`,
    `    s[1] = s[2]! + (s[2]! << 3);`,
    `    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) + t;`,
    `    return t / 4294967296;`,
    `  };`,
    `  for (let i = 0; i < 12; i++) next();`,
    `  return next;`,
    `}`,
    '',
    `/** Classes start .. start + count - 1 of n: the one given, one per image, or i mod k. */`,
    `function classes(given: number | readonly number[] | undefined, k: number, start: number, count: number, n: number): Int32Array {`,
    `  if (Array.isArray(given) && given.length !== n) throw new RangeError(\`expected \${n} values, one per image, got \${given.length}\`);`,
    `  const out = new Int32Array(count);`,
    `  for (let i = 0; i < count; i++) {`,
    `    const v = given === undefined ? (start + i) % k : typeof given === "number" ? given : (given as readonly number[])[start + i]!;`,
    `    if (!Number.isInteger(v) || v < 0 || v >= k) throw new RangeError(\`a class must be an integer from 0 to \${k - 1}, got \${v}\`);`,
    `    out[i] = v;`,
    `  }`,
    `  return out;`,
    `}`,
    '',
    `/** RGBA bytes of each image: the data range mapped to 0..255 (as ganspec's PNGs). */`,
    `function toPixels(values: Float32Array | Int32Array | Uint8Array, n: number): Uint8ClampedArray<ArrayBuffer>[] {`,
    `  const scale = 255 / (RANGE[1] - RANGE[0]);`,
    `  const size = ${h * w};`,
    `  return Array.from({ length: n }, (_, i) => {`,
    `    const out = new Uint8ClampedArray(size * 4);`,
    `    for (let p = 0; p < size; p++) {`,
    `      for (let k = 0; k < 3; k++) {`,
    `        const v = values[(i * size + p) * ${c} + ${c === 1 ? '0' : 'k'}]!;`,
    `        out[p * 4 + k] = Math.min(255, Math.max(0, Math.round((v - RANGE[0]) * scale)));`,
    `      }`,
    `      out[p * 4 + 3] = 255;`,
    `    }`,
    `    return out;`,
    `  });`,
    `}`,
    '',
    `async function samples(images: tf.Tensor4D): Promise<Samples> {`,
    `  return { images, pixels: toPixels(await images.data(), images.shape[0]), width: ${w}, height: ${h} };`,
    `}`,
    '',
  );
  if (!translate) {
    lines.push(
      `/** The continuous random inputs sample({ n, seed }) draws, to edit and pass back (e.g. latent directions). */`,
      `export interface Noise {`,
      ...info.inputs.filter((d) => d.kind === 'normal' || d.kind === 'uniform').map((d) => `  readonly ${d.option}: tf.Tensor2D;`),
      `}`,
      '',
      `/** The noise sample({ n, seed }) draws, without running the generator; dispose() it when done. */`,
      `export function noise(options: { readonly n: number; readonly seed?: number }): Noise {`,
      `  const next = sfc32(options.seed ?? 0);`,
      `  const parts: Record<string, tf.Tensor2D[]> = {};`,
      `  for (let start = 0; start < options.n; start += CHUNK) {`,
      `    const count = Math.min(CHUNK, options.n - start);`,
      ...info.inputs.filter((d) => d.kind === 'normal' || d.kind === 'uniform').map((d) =>
        `    (parts[${JSON.stringify(d.option)}] ??= []).push(${drawCall(d, 'next()')});`),
      `  }`,
      `  const out: Record<string, tf.Tensor2D> = {};`,
      `  for (const [k, v] of Object.entries(parts)) {`,
      `    out[k] = v.length === 1 ? v[0]! : tf.concat(v, 0);`,
      `    if (v.length > 1) tf.dispose(v);`,
      `  }`,
      `  return out as unknown as Noise;`,
      `}`,
      '',
      `function sample(nets: Nets, options: SampleOptions): tf.Tensor4D {`,
      `  const n = options.n;`,
      `  if (!Number.isInteger(n) || n < 1) throw new RangeError(\`n must be a positive integer, got \${n}\`);`,
      `  const next = sfc32(options.seed ?? 0);`,
      `  const parts: tf.Tensor4D[] = [];`,
      `  for (let start = 0; start < n; start += CHUNK) {`,
      `    const count = Math.min(CHUNK, n - start);`,
      `    parts.push(tf.tidy(() => {`,
      `      const sampled: Record<string, tf.Tensor> = {};`,
      ...draws.map((d) => `  ${d}`),
      `      return forward(nets, {}, sampled);`,
      `    }));`,
      `  }`,
      `  if (parts.length === 1) return parts[0]!;`,
      `  const all = tf.concat(parts, 0);`,
      `  tf.dispose(parts);`,
      `  return all;`,
      `}`,
      '',
    );
  } else {
    const realName = info.realInputs[0]!;
    lines.push(
      `function toTensor(image: ImageInput): tf.Tensor4D {`,
      `  if (image instanceof tf.Tensor) return image;`,
      `  return tf.tidy(() => {`,
      `    const rgba = tf.tensor3d(Uint8Array.from(image.data), [image.height, image.width, 4], "int32");`,
      `    let img: tf.Tensor3D = ${c === 1 ? 'tf.mean(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), 2, true)' : 'tf.cast(tf.slice(rgba, [0, 0, 0], [-1, -1, 3]), "float32")'};`,
      `    if (image.width !== ${w} || image.height !== ${h}) img = tf.image.resizeBilinear(img, [${h}, ${w}]);`,
      `    return tf.expandDims(tf.add(tf.mul(img, (RANGE[1] - RANGE[0]) / 255), RANGE[0]), 0) as tf.Tensor4D;`,
      `  });`,
      `}`,
      '',
      `function translate(nets: Nets, image: ImageInput): tf.Tensor4D {`,
      `  const x = toTensor(image);`,
      `  const out = tf.tidy(() => forward(nets, { ${realName}: x }, {}));`,
      `  if (x !== image) x.dispose();`,
      `  return out;`,
      `}`,
      '',
    );
  }
  lines.push(
    `async function readModel(url: URL): Promise<tf.LayersModel> {`,
    `  if (url.protocol !== "file:") return tf.loadLayersModel(url.href);`,
    `  // Node: read the files (pure tfjs has no file:// loader).`,
    `  const fsModule = "node:fs/promises";`,
    `  const fs = (await import(fsModule)) as { readFile(file: URL): Promise<Uint8Array> };`,
    `  const bytes = async (file: URL): Promise<ArrayBuffer> => {`,
    `    const b = await fs.readFile(file);`,
    `    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;`,
    `  };`,
    `  const json = JSON.parse(new TextDecoder().decode(await bytes(url))) as { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };`,
    `  const buffers = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => bytes(new URL(p, url))));`,
    `  const weightData = tf.io.CompositeArrayBuffer.join(buffers);`,
    `  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights), weightData }));`,
    `}`,
    '',
    `/**`,
    ` * Loads the generator from \`from\` (a folder URL or, in Node, a folder path holding models/;`,
    ` * default: the folder of this file).`,
    ` */`,
    `export async function load(from?: string | URL): Promise<Generator> {`,
    `  let base: URL;`,
    `  if (from === undefined) base = new URL("./", import.meta.url);`,
    `  else if (from instanceof URL) base = from;`,
    `  else if (/^[a-z][a-z0-9+.-]*:/i.test(from) && !/^[a-z]:[\\\\/]/i.test(from)) base = new URL(from);`,
    `  else if (typeof location !== "undefined") base = new URL(from, location.href);`,
    `  else {`,
    `    const urlModule = "node:url";`,
    `    const { pathToFileURL } = (await import(urlModule)) as { pathToFileURL(path: string): URL };`,
    `    base = pathToFileURL(from);`,
    `  }`,
    `  if (!base.href.endsWith("/")) base = new URL(base.href + "/");`,
    `  const nets: Nets = {};`,
    `  for (const net of info.networks) nets[net] = await readModel(new URL(\`models/\${net}/model.json\`, base));`,
    `  return {`,
    `    info,`,
    translate ? `    translate: async (image) => samples(translate(nets, image)),` : `    sample: async (options) => samples(sample(nets, options)),`,
    `    dispose: () => Object.values(nets).forEach((m) => m.dispose()),`,
    `  };`,
    `}`,
    '',
  );
  return lines.join('\n');
}
