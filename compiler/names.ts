// Stage 3, resolve (names): every name the resolved spec gives a network, head, random input or
// phase must be usable in generated code (not a reserved word), and phases need distinct names.
// Runs as part of resolve, so its errors are reported beside resolve's. May import context,
// pointer, emit/quote (the rule for names) and resolve's types.
import type { Context } from './context';
import { isSafeName } from './emit/quote';
import { join } from './pointer';
import type { Resolved } from './resolve';

export function checkNames(ctx: Context, r: Resolved): void {
  // Each unsafe name once: a phase named after its network would only repeat the network's error.
  const reported = new Set<string>();
  const check = (name: string, pointer: string, what: string) => {
    if (isSafeName(name) || reported.has(name)) return;
    reported.add(name);
    ctx.report.error(pointer, `'${name}' cannot name a ${what}: it is a reserved word of TypeScript`, { hint: 'choose another name' });
  };
  r.networks.forEach((n) => {
    check(n.name, n.pointer, 'network');
    n.outputs.forEach((o) => o.name && check(o.name, o.pointer, 'head'));
  });
  Object.keys(r.spec.sample ?? {}).forEach((s) => check(s, join('/sample', s), 'random input'));
  const seen = new Set<string>();
  r.phases.forEach((p) => {
    check(p.name, p.pointer, 'phase');
    if (seen.has(p.name)) ctx.report.error(p.pointer, `two phases are named '${p.name}'`, { hint: "give one a 'name'" });
    seen.add(p.name);
  });
}
