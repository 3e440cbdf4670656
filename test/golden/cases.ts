// The golden texts of gan-compile --explain and gan-diff, and the docs/articles/ pages made from
// them: which files hold what, and how each is made now (the same functions the commands print with). test/explain-golden.test.ts compares
// them with the committed files byte for byte; update.ts (npm run explain:update, run beside
// npm run golden:update after a compiler change) writes them. Imports the commands' side (cli/explain.ts) and helpers.
import { diffText, explainText } from '../../cli/explain';
import { projectSpecs } from '../helpers';
import { articlePage } from './article-page';

export const GOLDEN_DIR = 'test/golden';

/** The four article pairs: what B (the article's model) changes in A (the one it compares with). */
export const DIFF_PAIRS: [string, string][] = [
  ['specs/wgan.yaml', 'specs/wgan-gp.yaml'],
  ['specs/dcgan.yaml', 'specs/wgan.yaml'],
  ['specs/cgan.yaml', 'specs/acgan.yaml'],
  ['specs/gan.yaml', 'specs/cgan.yaml'],
];

const base = (f: string): string => f.replace(/^.*\//, '').replace(/\.(ya?ml|json)$/, '');

export interface GoldenCase {
  /** The committed file, relative to the repository root. */
  file: string;
  /** What the command prints now (undefined: the spec has errors). */
  make: () => string | undefined;
}

export function goldenCases(): GoldenCase[] {
  const quiet = () => {};
  const explains = projectSpecs().flatMap(({ spec }) => [
    { file: `${GOLDEN_DIR}/explain/${base(spec)}.txt`, make: () => explainText(spec, { json: false, set: [], log: quiet }) },
    { file: `${GOLDEN_DIR}/explain/${base(spec)}.json`, make: () => explainText(spec, { json: true, set: [], log: quiet }) },
  ]);
  const diffs = DIFF_PAIRS.flatMap(([a, b]) => [
    { file: `${GOLDEN_DIR}/diff/${base(a)}--${base(b)}.txt`, make: () => diffText(a, b, { json: false, all: false, set: [], log: quiet })?.text },
    { file: `${GOLDEN_DIR}/diff/${base(a)}--${base(b)}.json`, make: () => diffText(a, b, { json: true, all: false, set: [], log: quiet })?.text },
  ]);
  const pages = DIFF_PAIRS.map(([a, b]) => ({ file: `docs/articles/${base(b)}-vs-${base(a)}.md`, make: () => articlePage(a, b) }));
  return [...explains, ...diffs, ...pages];
}
