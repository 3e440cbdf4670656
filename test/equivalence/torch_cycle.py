"""The torch half of the tfjs-vs-torch equivalence test (test/torch-equivalence.test.ts).

For each CYCLE_DIR:MODULE.py pair given (as arguments, or with the one argument `-` one a line
on stdin, each taken as it arrives: the test starts this process, torch's import included, while
tfjs still writes the later specs' cycles), reads what test/equivalence/tfjs-cycle.ts wrote
(cycle.json, cycle.bin), builds the generated torch module's model (gs.build), loads the tfjs
initial weights into every network (gs.load_tfjs_weights), turns dropout off, replays the same
real batches and random inputs (images NHWC -> NCHW, labels as int64) and the random draws the
tfjs losses made (gs.set_draw_hook), runs one cycle (gs.cycle) and compares the losses and the
updated weights (gs.tfjs_weights, tfjs layout) with the tfjs ones.

The figure: for every compared number a (torch) and b (tfjs), |a - b| / max(|b|, FLOOR), with
FLOOR = 1e-3 (weights are O(0.01-1); losses O(0.1-10)); the worst over a spec's losses and
weights is printed with where it occurs. The spec agrees when it is <= 1e-4.

Prints one JSON object {spec name: result} on stdout. Imports the standard library, torch and
ganspec_torch (PYTHONPATH=runtime-torch).
"""
from __future__ import annotations

import importlib.util
import json
import math
import sys
import traceback

import torch
import torch.nn.functional as F

import ganspec_torch as gs
from ganspec_torch.layers import gs_layers
from ganspec_torch.tfjs_weights import _to_tfjs, weight_entries

FLOOR = 1e-3
TOLERANCE = 1e-4
#: The optimizer slots that hold a cycle's gradients at full magnitude (tfjs suffix -> ganspec_torch
#: field): Adam's first moment (1 - beta1) g, RMSprop's mean square (1 - rho) g^2. Adam's v is g^2
#: again and RMSprop's moment is the step applied, which the weights show.
GRADIENT_SLOTS = {"m": "m", "rms": "ms"}


def read_tensor(data: bytearray, ref: dict) -> torch.Tensor:
    dtype = torch.int32 if ref["dtype"] == "int32" else torch.float32
    count = math.prod(ref["shape"])
    if count == 0:
        return torch.zeros(ref["shape"], dtype=dtype)
    return torch.frombuffer(data, dtype=dtype, count=count, offset=ref["offset"]).reshape(ref["shape"]).clone()


def to_torch_input(t: torch.Tensor) -> torch.Tensor:
    """A batch in tfjs layout as the torch module takes it: images NCHW, class indices int64."""
    if t.dtype == torch.int32:
        t = t.long()
    if t.dim() == 4:
        t = t.permute(0, 3, 1, 2).contiguous()
    return t


def load_module(path: str):
    spec = importlib.util.spec_from_file_location("ganspec_equivalence_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Worst:
    """The largest relative difference seen, and where."""

    def __init__(self) -> None:
        self.value = 0.0
        self.where = ""

    def see(self, torch_value: torch.Tensor, tfjs_value: torch.Tensor, where: str) -> float:
        a = torch_value.detach().double().reshape(-1)
        b = tfjs_value.detach().double().reshape(-1)
        if a.numel() == 0:
            return 0.0
        rel = (a - b).abs() / b.abs().clamp(min=FLOOR)
        if not torch.isfinite(a).all():
            rel = torch.full_like(rel, math.inf)
        value = float(rel.max())
        if value > self.value or not self.where:
            i = int(rel.argmax())
            self.value = value
            self.where = f"{where}[{i}]: torch {float(a[i]):.9g}, tfjs {float(b[i]):.9g}"
        return value

    def see_scaled(self, torch_value: torch.Tensor, tfjs_value: torch.Tensor, scale: float, where: str, room=None) -> float:
        """max (|a - b| - room) / scale (scale: the largest |tfjs value| of the tensor or group, at
        least 1e-30; room: how much of each difference is allowed beforehand, default none)."""
        a = torch_value.detach().double().reshape(-1)
        b = tfjs_value.detach().double().reshape(-1)
        if a.numel() == 0:
            return 0.0
        diff = (a - b).abs()
        if room is not None:
            diff = (diff - room.double().reshape(-1)).clamp(min=0)
        if not torch.isfinite(a).all():
            diff = torch.full_like(diff, math.inf)
        i = int(diff.argmax())
        value = float(diff[i]) / max(scale, 1e-30)
        if value > self.value or not self.where:
            self.value = value
            past = "" if room is None else f", room {float(room.reshape(-1)[i]):.3g}"
            self.where = f"{where}[{i}]: torch {float(a[i]):.9g}, tfjs {float(b[i]):.9g}, scale {scale:.3g}{past}"
        return value


class Kinks:
    """While active, watches every ReLU and leaky ReLU input for the value nearest the kink, as a
    fraction of its tensor's largest |value|: where that is at rounding level (about 1e-7), float32
    rounding decides which side a value falls on, and with it the derivative there, so the two
    frameworks' gradients may differ by that element's whole contribution."""

    def __init__(self) -> None:
        self.nearest = 1.0

    def _watch(self, fn):
        def watched(x, *args, **kwargs):
            a = x.detach().abs()
            a = a[a > 0]  # an exact 0 is the same 0 in both, and both take the derivative 0 there
            if a.numel() > 0:
                self.nearest = min(self.nearest, float(a.min()) / float(a.max()))
            return fn(x, *args, **kwargs)
        return watched

    def __enter__(self):
        self.saved = (torch.relu, F.leaky_relu)
        torch.relu, F.leaky_relu = self._watch(torch.relu), self._watch(F.leaky_relu)
        return self

    def __exit__(self, *exc) -> None:
        torch.relu, F.leaky_relu = self.saved


def network_list(model) -> dict:
    nets = getattr(model, "nets", None)
    if nets is None:
        nets = getattr(model, "networks")
    return nets


def run_one(cycle_dir: str, module_path: str) -> dict:
    with open(f"{cycle_dir}/cycle.json", encoding="utf-8") as f:
        record = json.load(f)
    with open(f"{cycle_dir}/cycle.bin", "rb") as f:
        data = bytearray(f.read())
    module = load_module(module_path)
    trainer = module.TRAINER
    model = gs.build(trainer, record["seed"])
    nets = network_list(model)
    gs.set_dropout_enabled(False)

    # The same initial weights; reading them back must give them exactly.
    loaded = Worst()
    for name, weights in record["networks"].items():
        gs.load_tfjs_weights(nets[name], [(w["name"], read_tensor(data, w["initial"])) for w in weights])
        back = gs.tfjs_weights(nets[name])
        names = [n for n, _ in back]
        if names != [w["name"] for w in weights]:
            raise AssertionError(f"network {name}: torch lists weights {names}, tfjs {[w['name'] for w in weights]}")
        for (n, t), w in zip(back, weights):
            loaded.see(t, read_tensor(data, w["initial"]), f"{name}/{n} (loaded)")

    real_batches = {}
    sampled_batches = {}
    draws = []
    for phase in record["phases"]:
        real_batches[phase["name"]] = [{k: to_torch_input(read_tensor(data, r)) for k, r in u["real"].items()} for u in phase["updates"]]
        sampled_batches[phase["name"]] = [{k: to_torch_input(read_tensor(data, r)) for k, r in u["sampled"].items()} for u in phase["updates"]]
        draws.extend(d for u in phase["updates"] for d in u["draws"])

    replayed = []

    def replay(kind: str, shape, params):
        if len(replayed) == len(draws):
            raise AssertionError(f"torch drew more than the {len(draws)} random draws tfjs made ({kind} {list(shape)})")
        d = draws[len(replayed)]
        replayed.append(kind)
        if d["kind"] != kind:
            raise AssertionError(f"random draw {len(replayed)}: torch draws {kind}, tfjs drew {d['kind']}")
        if kind == "augment":
            return d["draws"]
        t = to_torch_input(read_tensor(data, d["tensor"]))
        if list(t.shape) != list(shape) and t.numel() == math.prod(shape) == t.shape[0]:
            t = t.reshape(list(shape))  # one number per example, e.g. [B, 1, 1, 1] drawn as [B, 1]
        if list(t.shape) != list(shape):
            raise AssertionError(f"random draw {len(replayed)} ({kind}): torch shape {list(shape)}, tfjs {d['tensor']['shape']}")
        return t

    gs.set_draw_hook(replay)
    kinks = Kinks()
    try:
        with kinks:
            losses = gs.cycle(model, real_batches, sampled_batches)
    finally:
        gs.set_draw_hook(None)
    if len(replayed) != len(draws):
        raise AssertionError(f"torch made {len(replayed)} random draws, tfjs {len(draws)}")

    # Losses: each within TOLERANCE, relative with a floor.
    losses_worst = Worst()
    loss_pairs = {}
    for phase in record["phases"]:
        mine = [float(v) for v in losses[phase["name"]]]
        theirs = [u["loss"] for u in phase["updates"]]
        loss_pairs[phase["name"]] = {"torch": mine, "tfjs": theirs}
        losses_worst.see(torch.tensor(mine), torch.tensor(theirs), f"loss {phase['name']}")

    # Gradients, at full magnitude: each optimizer's state (Adam's m and v, RMSprop's mean squares
    # and moments), per slot kind max |a - b| / max |b| over all its variables. The elements whose
    # gradient is within the tolerance of zero (|g| <= TOLERANCE * max |g| of the optimizer) have
    # no determined sign: rounding decides it in either framework.
    layouts = {}
    for name, net in nets.items():
        for weight, t, _, layout in weight_entries(net):
            layouts[(name, weight)] = layout
    grads_worst = Worst()
    slack = {}
    grads_l2 = 0.0
    for opt in record["optimizers"]:
        mine = model.optimizers[opt["name"]]
        keys = [(v["net"], v["weight"]) for v in opt["vars"]]
        for slot, refs in opt["slots"].items():
            if slot not in GRADIENT_SLOTS:
                continue
            torch_slot = getattr(mine, GRADIENT_SLOTS[slot])
            pairs = [(_to_tfjs(a.detach(), layouts[k]).float(), read_tensor(data, r)) for a, r, k in zip(torch_slot, refs, keys)]
            if slot == "rms":  # (1 - rho) g^2: compared as |g|, so that its error is the gradient's
                pairs = [(a.clamp(min=0).sqrt(), b.clamp(min=0).sqrt()) for a, b in pairs]
            scale = max(float(b.abs().max()) for _, b in pairs) if pairs else 0.0
            for (a, b), k in zip(pairs, keys):
                grads_worst.see_scaled(a, b, scale, f"{opt['name']} {slot} of {k[0]}/{k[1]}")
            if pairs:
                num = math.sqrt(sum(float((a.double() - b.double()).square().sum()) for a, b in pairs))
                den = math.sqrt(sum(float(b.double().square().sum()) for _, b in pairs))
                grads_l2 = max(grads_l2, num / max(den, 1e-30))
        # How far the allowed gradient difference (TOLERANCE * the largest gradient) can move each
        # weight through the optimizer's steps: |d step / d g| * TOLERANCE * max |g| per update, at
        # most the step's whole range each way. Adam: lr * g / (|g| + eps'), eps' = eps / sqrt(1 -
        # beta2) on the first step, |d/dg| <= lr / (|g| + eps'), range lr; RMSprop: lr * g /
        # sqrt((1 - rho) g^2 + eps), |d/dg| <= lr / sqrt((1 - rho) g^2 + eps), range lr / sqrt(1 - rho).
        # So a gradient that rounding leaves near zero (a bias just before batch norm, whose true
        # gradient is 0) may take either sign, and the rest barely move.
        settings = opt["settings"]
        lr, updates = settings["lr"], opt["updates"]
        if settings["kind"] == "adam":
            grads = [read_tensor(data, r).abs() / (1 - settings["beta1"]) for r in opt["slots"]["m"]]
            top = max(float(g.max()) for g in grads)
            eps = settings["epsilon"] / math.sqrt(1 - settings["beta2"])
            room = [torch.clamp(lr / (g + eps) * TOLERANCE * top, max=lr) for g in grads]
        elif settings["kind"] == "rmsprop":
            rho = settings["rho"]
            grads = [(read_tensor(data, r).clamp(min=0) / (1 - rho)).sqrt() for r in opt["slots"]["rms"]]
            top = max(float(g.max()) for g in grads)
            room = [torch.clamp(lr / ((1 - rho) * g * g + settings["epsilon"]).sqrt() * TOLERANCE * top, max=lr / math.sqrt(1 - rho)) for g in grads]
        else:  # SGD keeps no state; its step lr * g is linear in g and needs no room
            continue
        for k, r in zip(keys, room):
            slack[k] = slack.get(k, 0) + 2 * updates * r
    # A batch norm's moving mean averages its input over the batch, so it inherits the room of the
    # bias just before it (the bias whose gradient batch norm makes zero).
    for name, net in nets.items():
        shapes = {n: t.numel() for n, t, _, _ in weight_entries(net)}
        last_bias = None
        for layer in gs_layers(net):
            suffixes = [suffix for suffix, _, _, _ in layer.weight_specs()]
            if "moving_mean" in suffixes and last_bias is not None:
                stat = f"{layer.tfjs_name}/moving_mean"
                if (name, last_bias) in slack and slack[(name, last_bias)].numel() == shapes[stat]:
                    slack[(name, stat)] = slack[(name, last_bias)]
                last_bias = None
            elif "bias" in suffixes:
                last_bias = f"{layer.tfjs_name}/bias"
    # An EMA copy moves by (1 - decay) of its source's moves: at most its source's room.
    for e in record["ema"]:
        for src, copy in zip(record["networks"][e["of"]], record["networks"][e["name"]]):
            if (e["of"], src["name"]) in slack:
                slack[(e["name"], copy["name"])] = slack[(e["of"], src["name"])]

    # Weights after the cycle: per tensor, max |a - b| / max |b| over its determined elements;
    # the undetermined ones within the bound of their optimizer's steps.
    weights_worst = Worst()
    roomy = 0
    outside_share = 0.0
    per_net = {}
    for name, weights in record["networks"].items():
        net_worst = Worst()
        for (n, a), w in zip(gs.tfjs_weights(nets[name]), weights):
            b = read_tensor(data, w["updated"])
            scale = float(b.abs().max())
            room = slack.get((name, n))
            diff = (a - b).abs()
            if room is not None:
                roomy += int(((diff > TOLERANCE * scale) & (diff <= TOLERANCE * scale + room)).sum())
            outside = diff > TOLERANCE * scale + (room if room is not None else 0)
            if diff.numel() > 0:
                outside_share = max(outside_share, float(outside.double().mean()))
            weights_worst.see_scaled(a, b, scale, f"{name}/{n}", room)
            net_worst.see_scaled(a, b, scale, f"{name}/{n}", room)
        per_net[name] = net_worst.value
    figures = {"losses": losses_worst, "gradients": grads_worst, "weights": weights_worst}
    worst_kind = max(figures, key=lambda k: figures[k].value)
    worst = figures[worst_kind].value
    return {
        "worst": worst, "where": f"{worst_kind}: {figures[worst_kind].where}", "ok": worst <= TOLERANCE,
        "figures": {k: v.value for k, v in figures.items()}, "at": {k: v.where for k, v in figures.items()}, "loaded": loaded.value, "losses": loss_pairs, "networks": per_net,
        "draws": len(draws), "roomy": roomy, "gradients_l2": grads_l2, "weights_outside": outside_share, "kink": kinks.nearest,
    }


def main(argv: list[str]) -> int:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    results = {}
    pairs = (line.strip() for line in sys.stdin if line.strip()) if argv == ["-"] else argv
    for pair in pairs:
        cycle_dir, module_path = pair.split(":", 1)
        try:
            with open(f"{cycle_dir}/cycle.json", encoding="utf-8") as f:
                name = json.load(f)["name"]
        except OSError as err:
            results[pair] = {"error": str(err)}
            continue
        try:
            results[name] = run_one(cycle_dir, module_path)
        except Exception:  # reported per spec, so one failure does not hide the others
            results[name] = {"error": traceback.format_exc(limit=6)}
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
