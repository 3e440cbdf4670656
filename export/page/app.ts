// The exported page's script (bundled by gan-export with the generated sampler into page.js):
// picks a tfjs backend (WebGL, else cpu with a message saying so), then draws a grid of samples
// with a class picker, code picker, latent-direction sliders and "new noise" for sampling models,
// or an image upload and built-in test digits for translation models. Browser-only; imports
// @tensorflow/tfjs and nothing of ganspec's (the sampler module is passed in).
import * as tf from '@tensorflow/tfjs';

interface Input { name: string; option: string; kind: 'normal' | 'uniform' | 'label' | 'categorical'; size: number }
interface Info { name: string; kind: 'sample' | 'translate'; image: readonly number[]; inputs: readonly Input[] }
interface Samples { images: tf.Tensor4D; pixels: Uint8ClampedArray<ArrayBuffer>[]; width: number; height: number }
interface Generator {
  sample?: (options: Record<string, unknown>) => Promise<Samples>;
  translate?: (image: { data: Uint8ClampedArray; width: number; height: number }) => Promise<Samples>;
}
export interface SamplerModule {
  info: Info;
  load(from?: string | URL): Promise<Generator>;
  noise?: (options: { n: number; seed?: number }) => Record<string, tf.Tensor2D>;
}
/** Test pictures for a translation model: RGBA bytes, base64, of the model's size. */
export type TestImages = string[];

const DIRECTIONS = 3;
const SCALE = 3;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

/** ?backend=cpu (or webgl, wasm when registered) if the URL asks; else WebGL where the browser has it; else cpu, with the reason shown. */
async function pickBackend(status: HTMLElement): Promise<void> {
  const asked = new URLSearchParams(location.search).get('backend');
  if (asked !== null && (await tf.setBackend(asked).catch(() => false))) {
    status.textContent = `backend: ${asked} (asked for in the address)`;
    return;
  }
  const probe = document.createElement('canvas');
  const hasWebGL = probe.getContext('webgl2') !== null || probe.getContext('webgl') !== null;
  if (hasWebGL && (await tf.setBackend('webgl').catch(() => false))) {
    status.textContent = 'backend: webgl';
    return;
  }
  await tf.setBackend('cpu');
  status.textContent = 'WebGL is not available in this browser: running on the cpu backend of TensorFlow.js (slower).';
  status.className = 'warn';
}

/** Draws images into one canvas, `cols` a row, each pixel a SCALE x SCALE block. */
function drawGrid(canvas: HTMLCanvasElement, s: Samples, cols: number): void {
  const rows = Math.ceil(s.pixels.length / cols);
  const pad = 2;
  const small = el('canvas', { width: cols * (s.width + pad) + pad, height: rows * (s.height + pad) + pad });
  const ctx = small.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, small.width, small.height);
  s.pixels.forEach((p, i) => ctx.putImageData(new ImageData(p, s.width, s.height), pad + (i % cols) * (s.width + pad), pad + Math.floor(i / cols) * (s.height + pad)));
  canvas.width = small.width * SCALE;
  canvas.height = small.height * SCALE;
  const big = canvas.getContext('2d')!;
  big.imageSmoothingEnabled = false;
  big.drawImage(small, 0, 0, canvas.width, canvas.height);
}

export async function startPage(mod: SamplerModule, testImages: TestImages = []): Promise<void> {
  const status = document.getElementById('status')!;
  const controls = document.getElementById('controls')!;
  const canvas = document.getElementById('grid') as HTMLCanvasElement;
  await pickBackend(status);
  const gen = await mod.load();
  const info = mod.info;
  // data-draws counts the grids drawn (for scripts and tests waiting on a redraw).
  let draws = 0;
  const busy = (on: boolean): void => {
    if (!on) document.body.dataset.draws = String(++draws);
    document.body.setAttribute('data-busy', on ? '1' : '0');
  };

  if (info.kind === 'translate') {
    const [h, w] = info.image as [number, number];
    const run = async (image: { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number }): Promise<void> => {
      busy(true);
      const out = await gen.translate!(image);
      out.images.dispose();
      drawGrid(canvas, { ...out, pixels: [image.data.length === out.pixels[0]!.length ? image.data : out.pixels[0]!, ...out.pixels] }, 2);
      busy(false);
    };
    const upload = el('input', { type: 'file', accept: 'image/*', id: 'upload' });
    upload.addEventListener('change', () => {
      const file = upload.files?.[0];
      if (!file) return;
      void createImageBitmap(file).then((bitmap) => {
        const c = el('canvas', { width: w, height: h });
        const ctx = c.getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0, w, h);
        return run(ctx.getImageData(0, 0, w, h));
      });
    });
    controls.append(el('label', {}, 'Your image: ', upload));
    testImages.forEach((b64, i) => {
      const data = Uint8ClampedArray.from(atob(b64), (ch) => ch.charCodeAt(0));
      const button = el('button', { type: 'button', textContent: `test digit ${i + 1}` });
      button.addEventListener('click', () => void run({ data, width: w, height: h }));
      controls.append(button);
    });
    if (testImages.length > 0) {
      await run({ data: Uint8ClampedArray.from(atob(testImages[0]!), (ch) => ch.charCodeAt(0)), width: w, height: h });
    } else busy(false);
    return;
  }

  const label = info.inputs.find((d) => d.option === 'label');
  const code = info.inputs.find((d) => d.option === 'code');
  const latent = info.inputs.filter((d) => d.kind === 'normal' || d.kind === 'uniform');
  const held = label ?? code;
  const cols = held ? held.size : 8;
  const n = cols * (held ? 4 : 8);
  let seed = 0;

  const picker = (d: Input, what: string): HTMLSelectElement => {
    const select = el('select', { id: d.option });
    select.append(el('option', { value: 'all', textContent: `every ${what} (one a column)` }));
    for (let k = 0; k < d.size; k++) select.append(el('option', { value: String(k), textContent: `${what} ${k}` }));
    controls.append(el('label', {}, `${what}: `, select));
    select.addEventListener('change', () => void draw());
    return select;
  };
  const labelPick = label ? picker(label, 'class') : undefined;
  const codePick = code ? picker(code, 'code') : undefined;
  const sliders = latent.length > 0 ? Array.from({ length: DIRECTIONS }, (_, k) => {
    const input = el('input', { type: 'range', min: '-2', max: '2', step: '0.1', value: '0', id: `direction-${k}` });
    input.addEventListener('input', () => void draw());
    controls.append(el('label', {}, `latent direction ${k + 1}: `, input));
    return input;
  }) : [];
  const seedBox = el('input', { type: 'number', value: '0', id: 'seed' });
  seedBox.addEventListener('change', () => {
    seed = Number(seedBox.value) || 0;
    void draw();
  });
  const newNoise = el('button', { type: 'button', id: 'new-noise', textContent: 'new noise' });
  newNoise.addEventListener('click', () => {
    seed = Math.floor(Math.random() * 1e9);
    seedBox.value = String(seed);
    void draw();
  });
  controls.append(el('label', {}, 'seed: ', seedBox), newNoise);

  // Fixed directions in each latent input's space, from their own seeds.
  const directions = latent.map((d) => tf.randomNormal([DIRECTIONS, d.size], 0, 1, 'float32', 101 + d.size));
  let pending = Promise.resolve();
  async function draw(): Promise<void> {
    pending = pending.then(async () => {
      busy(true);
      const options: Record<string, unknown> = { n, seed };
      if (labelPick && labelPick.value !== 'all') options.label = Number(labelPick.value);
      if (codePick && codePick.value !== 'all') options.code = Number(codePick.value);
      const alphas = sliders.map((s) => Number(s.value));
      let noise: Record<string, tf.Tensor2D> | undefined;
      if (mod.noise && alphas.some((a) => a !== 0)) {
        noise = mod.noise({ n, seed });
        latent.forEach((d, i) => {
          const shift = tf.matMul(tf.tensor2d([alphas]), directions[i]!);
          options[d.option] = tf.add(noise![d.option]!, shift);
          shift.dispose();
        });
      }
      const out = await gen.sample!(options);
      drawGrid(canvas, out, cols);
      out.images.dispose();
      if (noise) tf.dispose([...Object.values(noise), ...latent.map((d) => options[d.option] as tf.Tensor)]);
      busy(false);
    });
    return pending;
  }
  await draw();
}
