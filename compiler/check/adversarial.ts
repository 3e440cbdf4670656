// Stage 5b, check (the game): warnings, never errors, about losses that make no adversarial
// game, from the game of expr/game.ts (which way each phase's loss pulls each critic output):
// - GS185 a critic's losses pull its outputs on real data and on what a network makes the same
//   way (bce(D(x), 1) + bce(D(G(z)), 1)): it cannot learn to tell them apart,
// - GS186 a network's loss pulls the critic's output on what it makes the way the critic's own
//   loss does, or further from real data (G: bce(D(G(z)), 0), or G: mean(D(G(z))) against a
//   critic that pulls D(G(z)) down): it helps the critic instead of fooling it.
// Only a sure verdict warns: an output a loss reads through a square (other than its distance from
// a number), a class cross-entropy or a product, or that its terms pull both ways, is left alone;
// a head projected by dot() (a projection discriminator's class term, `dot(E(y), D(x).phi)`) is
// an output of its own, whose pulls are sure.
// Runs after lower, like flow.ts.
// May import context, pointer, resolve's types, phase-losses.ts and the expression analyses.
import type { Context } from '../context';
import { show } from '../expr/ast';
import { gameOf, pullText, type GameLoss } from '../expr/game';
import { startOf } from '../expr/terms';
import { join } from '../pointer';
import type { Resolved } from '../resolve';
import { phaseLosses } from './phase-losses';

export function checkAdversarial(ctx: Context, r: Resolved): void {
  const losses: GameLoss[] = phaseLosses(ctx, r).map(({ phase, expr }) => ({ loss: phase.loss, expr, updates: phase.updates }));
  for (const { net, real, pairs } of gameOf(losses, new Set(r.networks.map((n) => n.name)))) {
    for (const { maker, critic, makerPull, verdict } of pairs) {
      const made = show(critic.read);
      if (verdict === 'cannot tell apart') {
        const realRead = show(real!.read);
        ctx.report.warning(join('/losses', critic.loss), `the losses of ${net} pull ${realRead} and ${made} the same way (${pullText(critic.pull)}): ${net} cannot learn to tell real data from what ${maker} makes`, {
          hint: `pull ${made} the other way from ${realRead}: one of the two terms has the wrong target or sign`,
          code: 'GS185',
          at: startOf(critic.read),
        });
      } else if (verdict === 'helps') {
        const read = show(makerPull!.read);
        const how = real ? `away from real data: ${net}'s own loss pulls it ${pullText(critic.pull)} and real data ${pullText(real.pull)}` : `as ${net}'s own loss does`;
        const whose = makerPull!.loss === maker ? `${maker}'s loss` : `loss '${makerPull!.loss}', which ${maker} minimizes,`;
        ctx.report.warning(join('/losses', makerPull!.loss), `${whose} pulls ${read} ${pullText(makerPull!.pull)}, ${how}; ${maker} helps ${net} tell its output from real data instead of fooling it`, {
          hint: `${makerPull!.loss === maker ? `${maker}'s loss should pull` : `${maker}'s phase should minimize a loss that pulls`} ${read} the way ${net}'s loss pulls real data${real ? ` (${pullText(real.pull)})` : ''}, or ${net}'s loss is the one written the wrong way round`,
          code: 'GS186',
          at: startOf(makerPull!.read),
        });
      }
    }
  }
}
