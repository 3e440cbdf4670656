// ESLint (flat config): the house plan's import boundaries, per folder, and a few type-aware
// checks that catch real bugs (promises left floating or misused, non-exhaustive switches).
// Unused code is tsc's job (noUnusedLocals/Parameters); generated/ is checked by the
// compiler's own verify step and is not linted here.
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------
// Import boundaries (house plan). For each folder: the top-level folders of ours it may NOT
// import. A file at depth d below the repository root reaches top-level folder F with the
// relative specifier '../' x d + F (e.g. '../runtime/data' from eval/evaluate.ts,
// '../../runtime/x' from compiler/lower/x.ts), optionally followed by '/...'; the patterns are
// generated per depth so that they match exactly those specifiers and nothing else.
// ---------------------------------------------------------------------------------------------

/** Our top-level code folders. */
const OURS = ['cli', 'compiler', 'contract', 'runtime', 'eval', 'report', 'export', 'bench', 'tools', 'test', 'generated'];
const except = (...allowed) => OURS.filter((f) => !allowed.includes(f));

/** folder -> [forbidden top-level folders, what the folder may import (for the message)]. */
const BOUNDARIES = {
  contract: [except('contract'), 'contract/ imports nothing of ours'],
  compiler: [except('compiler', 'contract'), 'compiler/ may import only contract/'],
  runtime: [except('runtime', 'contract'), 'runtime/ may import only contract/'],
  eval: [except('eval', 'runtime', 'contract'), 'eval/ may import only runtime/ and contract/'],
  report: [except('report', 'runtime', 'eval', 'contract', 'compiler'), 'report/ may import runtime/, eval/, contract/ and compiler/ (to resolve specs), never cli/'],
  export: [except('export', 'runtime', 'contract', 'compiler'), 'export/ may import runtime/, contract/ and compiler/ (the sampler is generated from the spec\'s IR), never cli/'],
  bench: [except('bench', 'compiler', 'runtime', 'eval', 'contract'), 'bench/ may import compiler/, runtime/, eval/ and contract/, never cli/'],
  tools: [['cli'], 'nothing imports cli/ except bin/*.js and test/'],
};

/** Deepest directory level below a top-level folder that the config covers (today: 2). */
const MAX_DEPTH = 6;

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Regex source matching a relative specifier that reaches one of `targets` from depth `depth`. */
function reach(depth, targets) {
  return `^(\\./)?(\\.\\./){${depth}}(${targets.map(escape).join('|')})(/.*)?$`;
}

/**
 * The rules that enforce `folder`'s boundary on files at `depth`: static imports and re-exports
 * (no-restricted-imports) and dynamic import('...') of a literal (no-restricted-syntax).
 */
function boundaryRules(folder, depth, forbidden, allowed) {
  const message = `${allowed} (house plan; see ${folder}/README.md).`;
  // esquery regexes end at the first '/', so the dynamic-import selector spells '/' as \x2F.
  const dynamic = reach(depth, forbidden).replaceAll('/', '\\x2F');
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex: reach(depth, forbidden), message }] }],
    'no-restricted-syntax': [
      'error',
      { selector: `ImportExpression[source.value=/${dynamic}/]`, message: `Dynamic import across the boundary: ${message}` },
    ],
  };
}

/** Files of `folder` at directory depth `depth` (1 = directly in it). */
const filesAt = (folder, depth) => [`${folder}/${'*/'.repeat(depth - 1)}*.{ts,mts,cts,js,mjs,cjs}`];

const boundaries = Object.entries(BOUNDARIES).flatMap(([folder, [forbidden, allowed]]) =>
  Array.from({ length: MAX_DEPTH }, (_, i) => ({
    name: `house-plan/${folder}/depth-${i + 1}`,
    files: filesAt(folder, i + 1),
    rules: boundaryRules(folder, i + 1, forbidden, allowed),
  })),
);

// ---------------------------------------------------------------------------------------------

export default [
  { name: 'ignores', ignores: ['node_modules/', 'runs/', 'generated/', 'generated-torch/', 'runtime-torch/'] },
  {
    name: 'linter-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    name: 'all',
    files: ['**/*.{ts,mts,cts,js,mjs,cjs}'],
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-fallthrough': 'error',
      'no-self-compare': 'error',
      'no-unsafe-finally': 'error',
      'no-unsafe-optional-chaining': 'error',
      'no-constant-binary-expression': 'error',
      'no-promise-executor-return': 'error',
    },
  },
  {
    name: 'typescript',
    files: ['**/*.{ts,mts,cts}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      // A switch over a union names every case, or says with `default` that the rest are alike.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  ...boundaries,
];
