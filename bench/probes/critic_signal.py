#!/usr/bin/python3
"""Probe: how much signal a critic passes to its generator, read from a checkpoint of a run that
`gan-train --target torch` wrote (the run directory holds <name>.py and checkpoints/step-N/).

Prints, for one batch of z drawn from a standard normal (both networks in training mode, as in
a generator update): the spread of the critic's outputs over the batch, the mean and largest
|gradient| of the generator loss -mean(D(G(z))) for each generator weight, and the generator
optimizer's epsilon, which an RMSprop or Adam step divides by with the gradients' root mean
square: a gradient far below it moves its weight by a small part of the learning rate. It was
written for WGAN with weight clipping (RESULTS.md), whose clipped batch norms leave the critic's
output almost constant. Imports the standard library, torch and ganspec_torch
(PYTHONPATH=runtime-torch).

    PYTHONPATH=runtime-torch /usr/bin/python3 bench/probes/critic_signal.py runs/wgan --step 500
"""
import argparse
import importlib.util
import pathlib

import torch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("run", help="run directory of gan-train --target torch")
    ap.add_argument("--step", type=int, required=True, help="checkpoint step to read")
    ap.add_argument("--generator", default="G")
    ap.add_argument("--critic", default="D")
    ap.add_argument("--z", type=int, default=100, help="latent size of the generator's one input")
    ap.add_argument("--batch", type=int, default=32)
    args = ap.parse_args()

    run = pathlib.Path(args.run)
    modules = sorted(run.glob("*.py"))
    if len(modules) != 1:
        raise SystemExit(f"critic_signal: {run} holds {len(modules)} .py modules, not the one gan-train --target torch writes")
    spec = importlib.util.spec_from_file_location("run_module", modules[0])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    checkpoint = run / "checkpoints" / f"step-{args.step:06d}" / "torch.pt"
    if not checkpoint.exists():
        raise SystemExit(f"critic_signal: no checkpoint {checkpoint}")
    state = torch.load(checkpoint, map_location="cpu")["nets"]

    torch.manual_seed(0)
    G = getattr(module, args.generator)()
    D = getattr(module, args.critic)()
    G.load_state_dict(state[args.generator])
    D.load_state_dict(state[args.critic])
    G.train()
    D.train()
    out = D(G(torch.randn(args.batch, args.z)))
    (-out.mean()).backward()

    epsilon = module.HYPERPARAMETERS.phases[args.generator].optimizer.epsilon
    print(f"{modules[0].name} step {args.step}: {args.critic}(G(z)) over a batch of {args.batch}: "
          f"mean {out.mean().item():.3e}, std {out.std().item():.3e}")
    print(f"{args.generator}'s optimizer epsilon: {epsilon:g}")
    print(f"{'weight':<16} {'mean |grad|':>12} {'max |grad|':>12}")
    for name, p in G.named_parameters():
        g = p.grad.abs()
        print(f"{name:<16} {g.mean().item():>12.3e} {g.max().item():>12.3e}")


if __name__ == "__main__":
    main()
