// gan-export's page in a real browser (headless Chromium, test/browser.ts): a tiny trained
// specs/cgan.yaml run exported and served over http from 127.0.0.1 (node:http): no console
// errors, the canvas is not blank, picking a class changes the pixels, the same seed gives the
// same pixels again, ?backend=cpu draws too, and a screenshot is saved (GANSPEC_SCREENSHOTS=dir keeps a copy);
// a tiny specs/cyclegan.yaml run's page: gan-export's 8 test digits, clicking one draws the digit
// and its translation (not blank, the two halves differ), an uploaded PNG is drawn as it is and
// translated, no console errors; a tiny specs/infogan.yaml run's page: one column per code value,
// picking a code draws it in every column, no console errors.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { launchChromium, pageWithErrors } from './browser';
import { trainAndExport, trainAndExportCyclegan, trainAndExportInfogan } from './export-run';
import { tempDir } from './helpers';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream' };

/** A static file server for `root` on 127.0.0.1 (a free port). */
async function serve(root: string): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    requests.push(path);
    try {
      const body = readFileSync(join(root, path.endsWith('/') ? `${path}index.html` : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path) || '.html'] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((done) => {
    server.listen(0, '127.0.0.1', done);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, requests, close: () => new Promise((done) => {
    server.close(() => done());
  }) };
}

/** The canvas's pixels after draw number `draws`: the grey of each 3x3 block (the page scales by 3), one char each. */
async function pixelsAfter(page: Page, draws: number): Promise<string> {
  await page.waitForFunction((n) => Number(document.body.dataset.draws ?? 0) >= n, draws, { timeout: 30_000 });
  return page.evaluate(() => {
    const c = document.getElementById('grid') as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const out: string[] = [];
    for (let y = 0; y < c.height; y += 3) for (let x = 0; x < c.width; x += 3) out.push(String.fromCharCode(data[(y * c.width + x) * 4]!));
    return out.join('');
  });
}

test('the exported page of a conditional model draws in Chromium: classes, seeds, no errors', async () => {
  const dir = tempDir('export-browser');
  const { out } = trainAndExport(dir);
  const server = await serve(out);
  const browser = await launchChromium();
  try {
    const { page, errors } = await pageWithErrors(browser.context);
    await page.setViewportSize({ width: 1100, height: 760 });
    await page.goto(`${server.url}index.html`, { waitUntil: 'load' });
    const first = await pixelsAfter(page, 1);
    // 10 columns (one a class) x 4 rows of 28x28 cells, 2-pixel borders, 3x.
    assert.deepEqual(await page.evaluate(() => [(document.getElementById('grid') as HTMLCanvasElement).width, (document.getElementById('grid') as HTMLCanvasElement).height]), [(10 * 30 + 2) * 3, (4 * 30 + 2) * 3]);
    const greys = new Set(first);
    assert.ok(greys.size > 50, `the canvas is not blank: ${greys.size} grey levels`);
    assert.match(await page.locator('h1').textContent() ?? '', /^cgan$/);
    assert.match(await page.locator('#paper').textContent() ?? '', /Mirza & Osindero 2014/);
    assert.match(await page.locator('#summary').textContent() ?? '', /G\(z, y_g\), trained 30 steps at batch 16/);

    await page.selectOption('#label', '3');
    const threes = await pixelsAfter(page, 2);
    assert.notDeepEqual(threes, first, 'picking class 3 changes the pixels');
    await page.selectOption('#label', '7');
    const sevens = await pixelsAfter(page, 3);
    assert.notDeepEqual(sevens, threes, 'class 7 differs from class 3');
    await page.selectOption('#label', 'all');
    assert.deepEqual(await pixelsAfter(page, 4), first, 'back to every class with seed 0: the first pixels');

    await page.locator('#new-noise').click();
    const other = await pixelsAfter(page, 5);
    assert.notDeepEqual(other, first, 'new noise, new pixels');
    await page.locator('#seed').fill('0');
    await page.locator('#seed').dispatchEvent('change');
    assert.deepEqual(await pixelsAfter(page, 6), first, 'seed 0 again: the same pixels');
    await page.locator('#direction-0').fill('1.5');
    assert.notDeepEqual(await pixelsAfter(page, 7), first, 'a latent direction moves the samples');

    const status = await page.locator('#status').textContent();
    // Headless Chromium has WebGL in software (SwiftShader) or none: either is said.
    assert.match(status ?? '', /^(backend: webgl|WebGL is not available in this browser: running on the cpu backend of TensorFlow\.js \(slower\)\.)$/);
    const shot = join(dir, 'export-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000, 'a screenshot with content');
    if (process.env.GANSPEC_SCREENSHOTS) copyFileSync(shot, join(process.env.GANSPEC_SCREENSHOTS, 'export-page.png'));
    // The cpu backend, as where WebGL is missing, asked for in the address.
    await page.goto(`${server.url}index.html?backend=cpu`, { waitUntil: 'load' });
    assert.ok(new Set(await pixelsAfter(page, 1)).size > 50, 'the cpu backend draws too');
    assert.equal(await page.locator('#status').textContent(), 'backend: cpu (asked for in the address)');
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(server.requests.filter((r) => !['/index.html', '/page.js', '/models/G/model.json', '/models/G/group1-shard1of1.bin'].includes(r)), [], 'only the export\'s own files are fetched');
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the exported page of a translation model in Chromium: a test digit clicked and an uploaded PNG are drawn translated, no errors', async () => {
  const dir = tempDir('export-browser-translate');
  const { out } = trainAndExportCyclegan(dir);
  const server = await serve(out);
  const browser = await launchChromium();
  try {
    const { page, errors } = await pageWithErrors(browser.context);
    await page.goto(`${server.url}index.html?backend=cpu`, { waitUntil: 'load' });
    // The page starts on test digit 1; gan-export passed 8.
    await pixelsAfter(page, 1);
    assert.deepEqual(await page.locator('#controls button').allTextContents(), Array.from({ length: 8 }, (_, i) => `test digit ${i + 1}`));
    await page.locator('#controls button', { hasText: 'test digit 3' }).click();
    const pixels = await pixelsAfter(page, 2);
    // Two 32x32 cells (the digit, then G_AB of it) with 2-pixel borders, 3x.
    const [width, height] = await page.evaluate(() => [(document.getElementById('grid') as HTMLCanvasElement).width, (document.getElementById('grid') as HTMLCanvasElement).height]);
    assert.deepEqual([width, height], [(2 * 34 + 2) * 3, (34 + 2) * 3]);
    const cols = width! / 3;
    const cell = (k: number): string => Array.from({ length: 32 }, (_, y) => pixels.slice((2 + y) * cols + 2 + k * 34, (2 + y) * cols + 2 + k * 34 + 32)).join('');
    const input = cell(0);
    const translated = cell(1);
    assert.ok(new Set(input).size > 1, 'the test digit is drawn');
    assert.ok(new Set(translated).size > 10, `the translation is not blank: ${new Set(translated).size} grey levels`);
    assert.notEqual(translated, input, 'the translation differs from the input');
    await page.locator('#controls button', { hasText: 'test digit 5' }).click();
    assert.notEqual((await pixelsAfter(page, 3)).slice(0, pixels.length), pixels, 'another test digit, other pixels');

    // An uploaded image (a PNG: the left half white, the right half black) is drawn as given and translated.
    const upload = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#000' } })
      .composite([{ input: { create: { width: 16, height: 32, channels: 3, background: '#fff' } }, left: 0, top: 0 }])
      .png().toBuffer();
    await page.locator('#upload').setInputFiles({ name: 'halves.png', mimeType: 'image/png', buffer: upload });
    const uploaded = await pixelsAfter(page, 4);
    const cellOf = (all: string, k: number): string[] => Array.from({ length: 32 }, (_, y) => all.slice((2 + y) * cols + 2 + k * 34, (2 + y) * cols + 2 + k * 34 + 32));
    // Sampled every 3rd canvas pixel of a 3x-scaled cell: one char per image pixel.
    const rows = cellOf(uploaded, 0);
    assert.deepEqual(new Set(rows), new Set([String.fromCharCode(255).repeat(16) + String.fromCharCode(0).repeat(16)]), 'the upload is drawn as it is');
    const translatedUpload = cellOf(uploaded, 1).join('');
    assert.ok(new Set(translatedUpload).size > 10, 'its translation is not blank');
    assert.notEqual(translatedUpload, translated, 'the upload is translated, not the last test digit');
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the exported page of an InfoGAN in Chromium: a column per code value, picking a code changes the pixels, no errors', async () => {
  const dir = tempDir('export-browser-infogan');
  const { out } = trainAndExportInfogan(dir);
  const server = await serve(out);
  const browser = await launchChromium();
  try {
    const { page, errors } = await pageWithErrors(browser.context);
    await page.goto(`${server.url}index.html?backend=cpu`, { waitUntil: 'load' });
    const every = await pixelsAfter(page, 1);
    // 10 columns (one a code value) x 4 rows of 28x28 cells, 2-pixel borders, 3x.
    const [width, height] = await page.evaluate(() => [(document.getElementById('grid') as HTMLCanvasElement).width, (document.getElementById('grid') as HTMLCanvasElement).height]);
    assert.deepEqual([width, height], [(10 * 30 + 2) * 3, (4 * 30 + 2) * 3]);
    assert.deepEqual(await page.locator('#code option').allTextContents(), ['every code (one a column)', ...Array.from({ length: 10 }, (_, k) => `code ${k}`)]);
    assert.equal(await page.locator('#label').count(), 0, 'no class picker: InfoGAN has no labels');
    const cols = width! / 3;
    // Column k of a grid: the 28x28 cells of its 4 rows.
    const column = (all: string, k: number): string => Array.from({ length: 4 * 30 }, (_, y) => all.slice((2 + y) * cols + 2 + k * 30, (2 + y) * cols + 2 + k * 30 + 28)).join('');
    await page.selectOption('#code', '3');
    const threes = await pixelsAfter(page, 2);
    assert.notEqual(threes, every, 'picking code 3 changes the pixels');
    // Code 3 everywhere: column 3 keeps its noise and code, so it is unchanged; column 0 changes.
    assert.equal(column(threes, 3), column(every, 3), 'column 3 already had code 3');
    assert.notEqual(column(threes, 0), column(every, 0), 'column 0 now has code 3');
    await page.selectOption('#code', 'all');
    assert.deepEqual(await pixelsAfter(page, 3), every, 'every code again: the first pixels');
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await browser.close();
    await server.close();
  }
});
