// Shared by the test/unit-*.test.ts stage tests: a tiny valid spec, a context for it (with a
// fragment merged in, as `extends` merges: objects key by key, lists replace) built in memory,
// the stages run in order up to the one a test is about, and diagnostics as one line each.
// Imports the compiler's stage functions only.
import { stringify } from 'yaml';
import { check } from '../compiler/check/index';
import type { CheckedNetwork } from '../compiler/check/networks';
import { contextFromText, type Context } from '../compiler/context';
import type { Diagnostic } from '../compiler/diagnostics';
import type { ModuleIR } from '../compiler/ir';
import { merge } from '../compiler/load';
import { lowerModule } from '../compiler/lower/module';
import { resolve, type Resolved } from '../compiler/resolve';

/** A valid spec small enough to read at a glance: 4x4 images, a 2-number noise. */
export const BASE = {
  name: 'unit',
  data: { source: 'mnist', image: [4, 4, 1] },
  sample: { z: 'normal(2)' },
  networks: {
    G: { inputs: { z: [2] }, layers: [{ dense: { units: 16, activation: 'tanh' } }, { reshape: [4, 4, 1] }] },
    D: { inputs: { img: 'image' }, layers: ['flatten', { dense: { units: 1, activation: 'sigmoid' } }] },
  },
  losses: { D: 'bce(D(x), 1) + bce(D(G(z)), 0)', G: 'bce(D(G(z)), 1)' },
  schedule: {
    batch: 2,
    steps: 1,
    phases: [
      { update: 'D', optimizer: { adam: { lr: 0.001 } } },
      { update: 'G', optimizer: { adam: { lr: 0.001 } } },
    ],
  },
  preview: { show: ['G(z)'] },
};

/** The context of BASE with `fragment` merged in, written as YAML text (so positions are real). */
export function contextOf(fragment: object = {}): Context {
  return contextFromText(stringify(merge(BASE, fragment)), 'unit.yaml');
}

/** Stages 3 to 5 as far as `last`, on a context whose document is taken as valid. */
export function through(ctx: Context, last: 'resolve'): { resolved: Resolved };
export function through(ctx: Context, last: 'check'): { resolved: Resolved; checked: CheckedNetwork[] };
export function through(ctx: Context, last: 'lower'): { resolved: Resolved; checked: CheckedNetwork[]; ir: ModuleIR };
export function through(ctx: Context, last: 'resolve' | 'check' | 'lower') {
  const resolved = resolve(ctx);
  if (last === 'resolve') return { resolved };
  const checked = check(ctx, resolved);
  if (last === 'check') return { resolved, checked };
  return { resolved, checked, ir: lowerModule(ctx, resolved, checked) };
}

/** `CODE POINTER: message (hint)`, one diagnostic a line. */
export function lines(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.pointer}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
}
