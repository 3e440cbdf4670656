// Unit tests of the random-input parser (compiler/lower/samples.ts): each `sample:` text given
// wants either its form (kind, shape, range, with defaults filled in) or its error (code,
// message, hint) and the argument the error points at (the text from `at` on).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSampleFormError, parseSampleForm, sampleText, type SampleForm } from '../compiler/lower/samples';

const UNIFORM_KEYS = 'uniform() takes low and high (default low=-1, high=1)';
const NORMAL_KEYS = 'normal() takes mean and std (default mean=0, std=1)';
const FORMS = 'write normal(dims...), uniform(dims...), label(K) or categorical(K), e.g. normal(100), uniform(28, 28, 1, low=0, high=1)';

const forms: { given: string; want: SampleForm }[] = [
  { given: 'normal(100)', want: { kind: 'normal', size: 100, shape: [100], mean: 0, std: 1 } },
  { given: 'uniform(100)', want: { kind: 'uniform', size: 100, shape: [100], low: -1, high: 1 } },
  { given: 'normal(28, 28, 1)', want: { kind: 'normal', size: 784, shape: [28, 28, 1], mean: 0, std: 1 } },
  { given: ' uniform( 7,7 , 16 ) ', want: { kind: 'uniform', size: 784, shape: [7, 7, 16], low: -1, high: 1 } },
  { given: 'uniform(100, low=0, high=1)', want: { kind: 'uniform', size: 100, shape: [100], low: 0, high: 1 } },
  { given: 'uniform(2, high=3)', want: { kind: 'uniform', size: 2, shape: [2], low: -1, high: 3 } },
  { given: 'uniform(2, high = 0.5, low = -.5)', want: { kind: 'uniform', size: 2, shape: [2], low: -0.5, high: 0.5 } },
  { given: 'normal(100, mean=0, std=0.5)', want: { kind: 'normal', size: 100, shape: [100], mean: 0, std: 0.5 } },
  { given: 'normal(4, 4, 1, std=2e-1, mean=-3)', want: { kind: 'normal', size: 16, shape: [4, 4, 1], mean: -3, std: 0.2 } },
  { given: 'label(10)', want: { kind: 'label', size: 10, shape: [] } },
  { given: 'categorical(10)', want: { kind: 'categorical', size: 10, shape: [10] } },
  { given: 'normal(1048576)', want: { kind: 'normal', size: 1048576, shape: [1048576], mean: 0, std: 1 } },
];

for (const c of forms) {
  test(`sample form: ${c.given} reads as ${sampleText(c.want)}`, () => {
    assert.deepEqual(parseSampleForm(c.given), c.want);
  });
}

const errors: { given: string; want: [code: string, message: string, hint: string | undefined]; at: string }[] = [
  // dimensions (GS122)
  { given: 'uniform(28, 28.5, 1)', want: ['GS122', "a dimension must be a whole number from 1 to 1048576, got '28.5'", 'dimensions are whole numbers from 1 to 1048576; a range is given by keyword: uniform(100, low=0, high=1)'], at: '28.5, 1)' },
  { given: 'normal(100, 0)', want: ['GS122', "a dimension must be a whole number from 1 to 1048576, got '0'", 'dimensions are whole numbers from 1 to 1048576; a range is given by keyword: normal(100, mean=0, std=0.5)'], at: '0)' },
  { given: 'uniform(100, -1, 1)', want: ['GS122', "a dimension must be a whole number from 1 to 1048576, got '-1'", 'dimensions are whole numbers from 1 to 1048576; a range is given by keyword: uniform(100, low=0, high=1)'], at: '-1, 1)' },
  { given: 'normal(n)', want: ['GS122', "a dimension must be a whole number from 1 to 1048576, got 'n'", 'dimensions are whole numbers from 1 to 1048576; a range is given by keyword: normal(100, mean=0, std=0.5)'], at: 'n)' },
  { given: 'normal(1048577)', want: ['GS122', "a dimension must be a whole number from 1 to 1048576, got '1048577'", 'dimensions are whole numbers from 1 to 1048576; a range is given by keyword: normal(100, mean=0, std=0.5)'], at: '1048577)' },
  { given: 'normal(4096, 4096, 2)', want: ['GS122', 'normal(4096, 4096, 2) holds 33554432 numbers per example: at most 16777216', 'use fewer or smaller dimensions'], at: '4096, 4096, 2)' },
  { given: 'normal()', want: ['GS122', 'normal() needs the dimensions of one example', 'write normal(100) or normal(28, 28, 1)'], at: ')' },
  { given: 'uniform(low=0, high=1)', want: ['GS122', 'uniform() needs the dimensions of one example', 'write the dimensions first: uniform(100, low=0, high=1)'], at: 'low=0, high=1)' },
  { given: 'label(0)', want: ['GS122', "the number of classes must be a whole number from 1 to 1048576, got '0'", 'write label(K) with K from 1 to 1048576'], at: '0)' },
  { given: 'categorical(10, 2)', want: ['GS122', 'categorical(K) takes one number, the number of classes', 'write categorical(10)'], at: '2)' },
  // unknown keywords (GS123)
  { given: 'uniform(100, lo=0, hi=1)', want: ['GS123', "unknown keyword 'lo' in uniform()", UNIFORM_KEYS], at: 'lo=0, hi=1)' },
  { given: 'normal(100, mean=0, sigma=2)', want: ['GS123', "unknown keyword 'sigma' in normal()", NORMAL_KEYS], at: 'sigma=2)' },
  { given: 'uniform(100, std=2)', want: ['GS123', "unknown keyword 'std' in uniform()", UNIFORM_KEYS], at: 'std=2)' },
  { given: 'label(10, low=1)', want: ['GS123', "unknown keyword 'low' in label()", 'label() takes no keywords: write label(K)'], at: 'low=1)' },
  // ranges (GS124)
  { given: 'uniform(100, low=1, high=0)', want: ['GS124', 'low must be below high, got low=1, high=0', UNIFORM_KEYS], at: 'low=1, high=0)' },
  { given: 'uniform(100, low=0.5, high=0.5)', want: ['GS124', 'low must be below high, got low=0.5, high=0.5', UNIFORM_KEYS], at: 'low=0.5, high=0.5)' },
  { given: 'uniform(100, high=-1)', want: ['GS124', 'low must be below high, got low=-1, high=-1', UNIFORM_KEYS], at: 'high=-1)' },
  { given: 'uniform(100, low=2)', want: ['GS124', 'low must be below high, got low=2, high=1', UNIFORM_KEYS], at: 'low=2)' },
  { given: 'normal(100, std=0)', want: ['GS124', 'std must be > 0, got std=0', NORMAL_KEYS], at: 'std=0)' },
  { given: 'normal(100, mean=1, std=-0.5)', want: ['GS124', 'std must be > 0, got std=-0.5', NORMAL_KEYS], at: 'std=-0.5)' },
  { given: 'normal(100, mean=zero)', want: ['GS124', "mean must be a number, got 'zero'", NORMAL_KEYS], at: 'mean=zero)' },
  { given: 'normal(100, mean=1e39)', want: ['GS124', 'mean must be a finite float32 number, got 1e39', NORMAL_KEYS], at: 'mean=1e39)' },
  { given: 'uniform(1, low=-3e38, high=3e38)', want: ['GS124', 'high - low must be a finite float32 number, got low=-3e+38, high=3e+38', UNIFORM_KEYS], at: 'low=-3e38, high=3e38)' },
  // malformed (GS120)
  { given: 'uniform(100, low=0, 5)', want: ['GS120', "a dimension cannot follow a keyword: '5' comes after low=", 'write the dimensions first, then the keywords: uniform(28, 28, 1, low=0, high=1)'], at: '5)' },
  { given: 'normal(100, std=1, std=2)', want: ['GS120', 'std is given twice', FORMS], at: 'std=2)' },
  { given: 'normal(100,)', want: ['GS120', 'normal(...) has an empty argument', FORMS], at: ')' },
  { given: 'normal(100', want: ['GS120', "cannot read 'normal(100': no closing ')'", FORMS], at: '' },
  { given: 'normal(100) * 2', want: ['GS120', "cannot read 'normal(100) * 2': text after ')'", FORMS], at: '* 2' },
  { given: 'gaussian(100)', want: ['GS120', "unknown random input 'gaussian'", FORMS], at: 'gaussian(100)' },
  { given: 'normal 100', want: ['GS120', "cannot read 'normal 100'", FORMS], at: 'normal 100' },
];

for (const c of errors) {
  test(`sample form: ${c.given} is refused with ${c.want[0]} at '${c.at}'`, () => {
    const got = parseSampleForm(c.given);
    assert.ok(isSampleFormError(got), `read as ${JSON.stringify(got)}`);
    assert.deepEqual([got.code, got.error, got.hint], c.want);
    assert.equal(c.given.slice(got.at), c.at);
  });
}

test('sampleText writes every default out, so that it reads back as the same form', () => {
  for (const c of forms) {
    const text = sampleText(c.want);
    assert.deepEqual(parseSampleForm(text), c.want, text);
  }
  assert.equal(sampleText(forms[0].want), 'normal(100, mean=0, std=1)');
  assert.equal(sampleText(forms[1].want), 'uniform(100, low=-1, high=1)');
});
