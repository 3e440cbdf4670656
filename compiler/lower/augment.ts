// Stage 5, lower (augment): DiffAugment (Zhao et al. 2020) as a pass over each phase's lowered
// statements. The spec's `augment: { policy, networks }` is checked against the networks, then
// every training call of a listed network gets an `augment` statement (ids `a0`, `a1`, ...) in
// front of each of its image inputs ([h, w, c]), so real and generated images are augmented
// alike, each call with its own draws, in every phase. The preview (no training calls) and
// gradient_penalty's own calls of the critic are left as they are. Imports the IR, the spec's
// types, the reporter and the checked networks.
import type { CheckedNetwork } from '../check/networks';
import type { AugmentPolicy, Stmt } from '../ir';
import { join } from '../pointer';
import type { Reporter } from '../report';
import type { Spec } from '../spec';

export class Augmenter {
  /** Per augmented network, the positions of its image inputs. */
  private readonly images = new Map<string, number[]>();
  private readonly used = new Set<string>();

  private constructor(
    private readonly policy: AugmentPolicy[],
    private readonly listed: string[],
  ) {}

  /**
   * The pass for the spec's `augment`, or undefined where it has none or a mistake (reported:
   * GS115 a network that does not exist, GS116 one without an image input).
   */
  static of(spec: Spec, networks: ReadonlyMap<string, CheckedNetwork>, report: Reporter): Augmenter | undefined {
    if (!spec.augment) return undefined;
    const augmenter = new Augmenter([...spec.augment.policy], spec.augment.networks);
    let ok = true;
    spec.augment.networks.forEach((name, i) => {
      const pointer = join('/augment/networks', i);
      if (!Object.hasOwn(spec.networks, name)) {
        report.unknown(pointer, 'network', name, Object.keys(spec.networks), { hint: `networks: ${Object.keys(spec.networks).join(', ')}`, code: 'GS115' });
        ok = false;
        return;
      }
      // A network that failed its own checks is reported there already.
      const net = networks.get(name);
      if (!net) return;
      const images = net.inputs.flatMap((input, k) => (input.kind !== 'label' && input.shape.length === 3 ? [k] : []));
      if (images.length === 0) {
        const inputs = net.inputs.map((input) => `${input.name} [${input.shape.join(', ')}]`).join(', ');
        report.error(pointer, `augment needs image inputs ([height, width, channels]), but ${name}'s inputs are ${inputs}`, {
          hint: 'list the networks that take images, usually the discriminator',
          code: 'GS116',
        });
        ok = false;
        return;
      }
      augmenter.images.set(name, images);
    });
    return ok ? augmenter : undefined;
  }

  /** A phase's statements with an augment statement before each image input of each training call of a listed network. */
  apply(stmts: readonly Stmt[]): Stmt[] {
    const out: Stmt[] = [];
    let count = 0;
    for (const s of stmts) {
      const images = s.op === 'apply' && s.training ? this.images.get(s.net) : undefined;
      if (s.op !== 'apply' || !images) {
        out.push(s);
        continue;
      }
      this.used.add(s.net);
      const args = s.args.map((arg, k) => {
        if (!images.includes(k)) return arg;
        const id = `a${count++}`;
        out.push({ id, op: 'augment', arg, policy: this.policy });
        return id;
      });
      out.push({ ...s, args });
    }
    return out;
  }

  /** GS117: a warning for each listed network no loss calls in training, after every phase went through `apply`. */
  finish(report: Reporter): void {
    this.listed.forEach((name, i) => {
      if (this.images.has(name) && !this.used.has(name)) {
        report.warning(join('/augment/networks', i), `no loss calls ${name}, so augment changes nothing for it`, { hint: `augment applies to ${name}(...) in the losses`, code: 'GS117' });
      }
    });
  }
}
