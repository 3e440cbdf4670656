// Golden tests of gan-compile --explain (every spec in specs/ and specs/variants/, text and
// JSON) and gan-diff (the four article pairs, text and JSON): what the commands print now must
// equal the committed files under test/golden/ byte for byte, and README's wgan -> wgan-gp
// blocks must equal theirs. When a change is intended, regenerate and review:
//
//   npm run explain:update       (beside npm run golden:update, which regenerates generated/)
//   git diff test/golden/
//
// The commands themselves: gan-diff's exit codes (0 equal, 1 different, 2 a spec with errors)
// and gan-compile --explain printing the golden text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { goldenCases } from './golden/cases';
import { runCli } from './helpers';

process.chdir(fileURLToPath(new URL('..', import.meta.url)));

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

for (const c of goldenCases()) {
  test(`${c.file} equals what the command prints now`, () => {
    const now = c.make();
    assert.ok(now !== undefined, 'the spec has errors');
    const committed = read(c.file);
    assert.ok(committed !== undefined, `${c.file} is missing: run npm run explain:update`);
    if (committed !== now) {
      const [a, b] = [committed.split('\n'), now.split('\n')];
      let i = 0;
      while (a[i] === b[i]) i++;
      assert.fail(`${c.file} differs at line ${i + 1}: committed ${JSON.stringify(a[i])}, now ${JSON.stringify(b[i])} (npm run explain:update, then review git diff test/golden/)`);
    }
  });
}

/** The README's fenced block after the one whose line is `marker` (the command, then its output). */
function readmeBlock(marker: string): string {
  const readme = readFileSync('README.md', 'utf8');
  const at = readme.indexOf(`\n${marker}\n\`\`\`\n`);
  assert.ok(at >= 0, `README has no block with ${marker}`);
  const open = readme.indexOf('```\n', at + marker.length + 6);
  const close = readme.indexOf('\n```\n', open + 4);
  return readme.slice(open + 4, close + 1);
}

test("README's gan-diff wgan -> wgan-gp block is the golden text", () => {
  assert.equal(readmeBlock('npx gan-diff specs/wgan.yaml specs/wgan-gp.yaml'), readFileSync('test/golden/diff/wgan--wgan-gp.txt', 'utf8'));
});

test("README's --explain wgan-gp block is the golden text", () => {
  assert.equal(readmeBlock('npx gan-compile --explain specs/wgan-gp.yaml'), readFileSync('test/golden/explain/wgan-gp.txt', 'utf8'));
});

test('gan-diff exits 1 and prints the golden text when the specs differ, 0 and "no difference" when equal', () => {
  const differ = runCli('gan-diff', ['specs/wgan.yaml', 'specs/wgan-gp.yaml']);
  assert.equal(differ.status, 1, differ.stderr);
  assert.equal(differ.stdout, readFileSync('test/golden/diff/wgan--wgan-gp.txt', 'utf8'));
  // The preview is compared only with --all: wgan-gp previews every 100 steps, wgan every 50.
  const same = runCli('gan-diff', ['specs/wgan.yaml', 'specs/wgan.yaml']);
  assert.equal(same.status, 0, same.stderr);
  assert.equal(same.stdout, '--- wgan (specs/wgan.yaml)\n+++ wgan (specs/wgan.yaml)\n\nno difference\n');
});

test('gan-diff exits 2 and prints the diagnostics of a spec with errors', () => {
  const r = runCli('gan-diff', ['specs/wgan-gp.yaml', 'test/fixtures/invalid/conv-on-flat.yaml']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.split('\n')[0], 'test/fixtures/invalid/conv-on-flat.yaml:11:9 error GS113 /networks/G/layers/1: conv2d expects an input of rank 3 ([height, width, channels]), got [784]');
});
