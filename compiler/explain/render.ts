// gan-compile --explain (text): an Explanation (explain.ts) in plain words, phase by phase, then
// the game (which way each loss pulls each critic output), as tables (phases; networks with parameters and multiply-adds), then the data and the
// preview. Deterministic text: golden-tested for every spec. Imports this folder only.
import type { Explanation, ForwardPass, GameExplanation, PhaseExplanation } from './explain';
import { count, flow, num, settings, table } from './format';
import { termText } from './terms';

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);
const list = (xs: string[]): string => (xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** `G on z (train mode)`; several passes of one network in one line. */
function forwardText(passes: ForwardPass[]): string[] {
  const byNet = new Map<string, ForwardPass[]>();
  for (const p of passes) byNet.set(`${p.net} ${p.mode}`, [...(byNet.get(`${p.net} ${p.mode}`) ?? []), p]);
  return [...byNet.values()].map((ps) => `${ps[0].net} on ${list(ps.map((p) => p.on))} (${ps[0].mode} mode)`);
}

function sampleText(e: Explanation, name: string): string {
  const s = e.samples.find((x) => x.name === name);
  if (!s) return name;
  const { kind, ...rest } = s.settings;
  return `${name} (${String(kind)} ${settings(rest)})`;
}

function phaseText(e: Explanation, p: PhaseExplanation, index: number): string[] {
  const out = [`${index + 1}. Phase ${p.name}, ${times(p.repeat)} per step; loss ${p.loss.name} = ${p.loss.text}`];
  const images = p.real.filter((r) => r !== 'y');
  const labels = p.real.includes('y') ? (images.length > 0 ? ' with their labels y' : `the labels y of a random batch of ${e.batch} real examples`) : '';
  const real = images.length > 0 ? [`a random batch of ${e.batch} real ${list(images)}${labels}`] : labels ? [labels] : [];
  const drawn = [...p.sampled.map((n) => sampleText(e, n)), ...real];
  out.push(`   draws for every update: ${drawn.length > 0 ? list(drawn) : 'nothing'}`);
  out.push(`   runs forward: ${forwardText(p.forward).join('; ') || 'no network'}`);
  out.push('   loss terms:');
  const width = Math.max(...p.terms.map((t, i) => termText(t, i === 0).length));
  p.terms.forEach((t, i) => {
    const to = t.updates.length > 0 ? `gradient to ${list(t.updates)}` : t.reaches.length > 0 ? `reaches ${list(t.reaches)}, none of which this phase updates` : 'a constant: no gradient';
    out.push(`     ${String(i + 1)}. ${termText(t, i === 0).padEnd(width)}  ${to}`);
  });
  for (const u of p.updates) {
    const from = u.terms.length === 0 ? 'no term: its gradient is zero' : u.terms.length === p.terms.length && p.terms.length > 1 ? (p.terms.length === 2 ? 'both terms' : `all ${p.terms.length} terms`) : `term${u.terms.length === 1 ? '' : 's'} ${list(u.terms.map((i) => String(i + 1)))}`;
    out.push(`   ${p.optimizer.kind} (${settings(p.optimizer.settings)}) steps on ${u.target}'s ${count(u.trainable)} trainable parameters, with gradients from ${from}`);
  }
  out.push(p.clip === null ? '   no clipping' : `   after every update, ${list(p.updates.map((u) => u.target))}'s weights are clipped to [-${num(p.clip)}, ${num(p.clip)}]`);
  return out;
}

/** `D(G(z)): D toward 0; G toward 1, so G plays against D`, the critic's pull on real data first. */
function gameText(game: GameExplanation[]): string[] {
  if (game.length === 0) return [];
  const out = ["The game (which way minimizing each loss pulls a critic's output):"];
  for (const { net, ...g } of game) {
    if (g.real) out.push(`  ${g.real.read}: ${net} ${g.real.pull}`);
    for (const p of g.pairs) {
      const maker = p.makerPull === null ? `${p.maker}'s loss does not read it` : `${p.maker} ${p.makerPull}`;
      const verdict = {
        'plays against': `, so ${p.maker} plays against ${net}`,
        helps: `, so ${p.maker} helps ${net} (GS186)`,
        'cannot tell apart': `; ${net} cannot tell real data from ${p.maker}'s (GS185)`,
        open: '',
      }[p.verdict];
      out.push(`  ${p.read}: ${net} ${p.critic}; ${maker}${verdict}`);
    }
  }
  return [...out, ''];
}

function dataText(e: Explanation): string[] {
  const d = e.data;
  const out = [`Data: ${flow(d.settings)}`];
  const inputs = Object.entries(d.imagesPerCycle);
  if (inputs.length === 0) return [...out, '  no phase reads real data'];
  const per = inputs.map(([r, n]) => `${count(n)} of ${r}`);
  out.push(`  a step consumes ${list(per)} (batches are drawn at random, with replacement)`);
  if (d.trainSize === 'endless') out.push('  the source draws new examples for every batch: no epochs');
  else if (d.trainSize === null) out.push('  the training set\'s size is known only once loaded: steps per epoch = its size / the images a step consumes');
  else out.push(`  the training split holds ${count(d.trainSize)} images${inputs.length > 1 ? ' per domain' : ''}: ${count(d.stepsPerEpoch!)} steps per epoch, ${count(e.steps)} steps = ${count(d.epochs!)} epochs`);
  return out;
}

export function renderExplanation(e: Explanation): string {
  const out: string[] = [];
  out.push(`${e.name} (${e.source})${e.paper ? `: ${e.paper}` : ''}`);
  out.push('');
  const order = list(e.phases.map((p) => `${p.name} ${times(p.repeat)}`));
  out.push(`One training step at batch ${e.batch} makes ${e.updatesPerCycle} update${e.updatesPerCycle === 1 ? '' : 's'}: ${order}, in that order. The spec trains ${count(e.steps)} steps.`);
  out.push('');
  e.phases.forEach((p, i) => out.push(...phaseText(e, p, i), ''));
  out.push(...gameText(e.game));
  out.push(
    ...table(
      ['phase', 'repeat', 'forward', 'updates', 'gradients from', 'optimizer', 'clip', 'random', 'real'],
      e.phases.map((p) => [
        p.name,
        String(p.repeat),
        [...new Set(p.forward.map((f) => f.net))].map((n) => {
          const k = p.forward.filter((f) => f.net === n);
          return `${n}${k.length > 1 ? ` x${k.length}` : ''}${k.some((f) => f.mode === 'inference') ? ' (inference)' : ''}`;
        }).join(', '),
        p.updates.map((u) => u.target).join(', '),
        p.updates.map((u) => `${u.target}: ${u.terms.map((i) => String(i + 1)).join(',') || '-'}`).join('; '),
        `${p.optimizer.kind} ${settings(p.optimizer.settings)}`,
        p.clip === null ? '-' : num(p.clip),
        p.sampled.join(', ') || '-',
        p.real.join(', ') || '-',
      ]),
    ),
  );
  out.push('');
  out.push(
    ...table(
      ['network', 'parameters', 'trainable', 'MACs/example', 'passes/step', `MACs/step (batch ${e.batch})`],
      [
        ...e.networks.map((n) => [n.name, count(n.parameters), count(n.trainable), count(n.macsPerExample), count(n.forwardPerCycle), count(n.macsPerCycle)]),
        ['total', count(e.networks.reduce((k, n) => k + n.parameters, 0)), count(e.networks.reduce((k, n) => k + n.trainable, 0)), '', '', count(e.macsPerCycle)],
      ],
    ),
  );
  out.push('(parameters include batch norm\'s moving statistics; MACs: multiply-adds of the forward passes; a pass is one network call on one batch)');
  out.push('');
  out.push(...dataText(e));
  const fixed = [...e.preview.fixed, ...e.preview.real.map((r) => `real ${r}`)];
  out.push(`Preview: every ${count(e.preview.every)} steps, in inference mode, ${fixed.length > 0 ? `from ${list(fixed)} drawn once and reused for every grid` : 'from no input'}`);
  return `${out.join('\n')}\n`;
}
