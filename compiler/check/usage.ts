// Stage 5b, check (usage): warnings, never errors, about what a spec declares and never uses:
// a loss no phase uses (GS175), a random input no loss or preview expression reads (GS176), a
// network no phase updates (GS177) and a declared optimizer no phase steps (GS178). It runs on
// the lowered module, whose phases and preview say what they read. The module is still written:
// a warning does not fail gan-compile. May import context, pointer, resolve's types, the IR and
// the expression parser (to read a loss no phase lowers).
import type { Context } from '../context';
import type { Expr } from '../expr/ast';
import { isExprError, parseExpr } from '../expr/parse';
import type { ModuleIR } from '../ir';
import { join } from '../pointer';
import type { Resolved } from '../resolve';

export function checkUsage(ctx: Context, r: Resolved, ir: ModuleIR): void {
  const { report } = ctx;
  const usedLosses = new Set(r.phases.map((p) => p.loss));
  const unusedLosses = Object.keys(r.spec.losses).filter((name) => !usedLosses.has(name));
  for (const name of unusedLosses) {
    report.warning(join('/losses', name), `loss '${name}' is not used by any phase`, {
      hint: `use it in a phase with 'loss: ${name}', or remove it if it is left over`,
      code: 'GS175',
      which: 'key',
    });
  }

  // A random input that only an unused loss reads is that loss's warning, not another one.
  const read = new Set([...ir.phases.flatMap((p) => p.sampled), ...ir.preview.sampled]);
  for (const name of unusedLosses) for (const n of namesIn(r.spec.losses[name])) read.add(n);
  for (const name of Object.keys(r.spec.sample ?? {})) {
    if (read.has(name)) continue;
    report.warning(join('/sample', name), `random input '${name}' is not read by any loss or preview expression`, {
      hint: 'use it in an expression, or remove it',
      code: 'GS176',
      which: 'key',
    });
  }

  const updated = new Set(r.phases.flatMap((p) => p.updates.map((u) => u.net)));
  for (const net of r.networks) {
    if (updated.has(net.name) || !needsPhase(net.name, r)) continue;
    report.warning(net.pointer, `network '${net.name}' is not updated by any phase: its weights stay as initialised`, {
      hint: `add it to a phase (update: ${net.name}), or remove it`,
      code: 'GS177',
      which: 'key',
    });
  }

  const stepped = new Set(r.phases.filter((p) => p.shared).map((p) => p.optimizerName));
  for (const name of Object.keys(r.spec.optimizers ?? {})) {
    if (stepped.has(name)) continue;
    report.warning(join('/optimizers', name), `optimizer '${name}' is not used by any phase`, {
      hint: `use it in a phase with 'optimizer: ${name}', or remove it if it is left over`,
      code: 'GS178',
      which: 'key',
    });
  }
}

/**
 * Whether a network's weights come only from a phase updating it, so that no phase is a
 * mistake. The one place for networks trained otherwise: an EMA copy (`ema: { of: G }`, a
 * moving average of its source's weights, updated after each update of the source) needs none.
 */
function needsPhase(name: string, r: Resolved): boolean {
  return !r.ema.some((e) => e.name === name);
}

/** Every name an expression mentions (none when it does not parse: lowering reports that elsewhere). */
function namesIn(text: string): string[] {
  const parsed = parseExpr(text);
  if (isExprError(parsed)) return [];
  const names: string[] = [];
  // Walks any node shape (whatever kinds the language grows), without recursion: a sum of
  // 1000 terms is 1000 nodes deep.
  const stack: unknown[] = [parsed as Expr];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...(node as unknown[]));
    else if (node !== null && typeof node === 'object') {
      const n = node as { kind?: unknown; name?: unknown };
      if (n.kind === 'name' && typeof n.name === 'string') names.push(n.name);
      stack.push(...Object.values(node));
    }
  }
  return names;
}
