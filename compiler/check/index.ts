// Stage 4, check: the phases' optimizers (optimizers.ts) and the arguments that blocks gave
// their layers (blocks.ts), then the shapes
// through every network (networks.ts), then whether training fits in memory (memory.ts);
// networks are only checked once the block arguments are right, since a wrong argument would
// make wrong shapes. May import context, resolve's types
// and the check/ files.
import type { Context } from '../context';
import type { Resolved } from '../resolve';
import { checkBlockArguments } from './blocks';
import { checkMemory } from './memory';
import { checkOptimizers } from './optimizers';
import { checkNetwork, type CheckedNetwork } from './networks';

export type { CheckedNetwork } from './networks';

/** Stage 4: every network with its types (those with a mistake are reported and left out). */
export function check(ctx: Context, r: Resolved): CheckedNetwork[] {
  checkOptimizers(ctx, r);
  checkBlockArguments(ctx, r);
  if (ctx.report.hasErrors) return [];
  const checked = r.networks.map((n) => checkNetwork(n, ctx.report)).filter((n): n is CheckedNetwork => n !== undefined);
  if (!ctx.report.hasErrors) checkMemory(checked, r.phases, ctx.spec.schedule.batch, ctx.report);
  return checked;
}
