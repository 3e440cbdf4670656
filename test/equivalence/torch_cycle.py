"""The torch half of the tfjs-vs-torch equivalence test (test/torch-equivalence.test.ts).

For each CYCLE_DIR:MODULE.py pair given (as arguments, or with the one argument `-` one a line
on stdin, each taken as it arrives: the test starts this process, torch's import included, while
tfjs still writes the later specs' cycles), reads what test/equivalence/tfjs-cycle.ts wrote
(cycle.json, cycle.bin) and builds the generated torch module's model (gs.build). Then, for every
update of the cycle (each phase, each repeat, in order), on its own: loads the state tfjs started
that update from into torch (every network's weights by gs.load_tfjs_weights, every optimizer's
slots converted to torch layout, its iteration count and Adam's beta powers), replays the same real
batch and random inputs (images NHWC -> NCHW, labels as int64) and the random draws the tfjs loss
made (gs.set_draw_hook), runs that one update (gs.update_once: loss, gradients, optimizer step,
clipping, the EMA copies) with dropout off, and compares the loss, the gradients and the state
after it with tfjs's. No update starts from a state the other framework computed differently, so
a float32 rounding event in one update does not carry into the next.

Where an update disagrees (an asserted figure past its bound, or the gradients' L2 difference
past TOLERANCE) and some ReLU, leaky ReLU or abs input lies within KINK of its kink (a fraction
of its tensor's largest |value|), float32 rounding may have put it on the other side in tfjs,
with the other derivative: each such input (the KINK_TRIES nearest) is tried on the other side
alone, and those that bring the gradients closer are kept, most first, each only if it cuts the
gradients' L2 difference by 1 - KINK_GAIN; the update is judged with them, and they are reported.

The figures, per update, the worst over the cycle reported with where it occurs (a torch, b tfjs):
- losses: |a - b| / max(|b|, 1e-3);
- l2: per network ||a - b|| / ||b|| over the determined tensors the update changed (in tfjs);
- weights: per tensor max (|a - b| - room) / max |b| over its determined elements, the room of an
  element being how far a gradient difference of ROUNDING times the optimizer's largest gradient
  moves it through the optimizer's step from tfjs's state (step_of, both ways; an EMA copy gets its share of its source's): Adam's first
  step lr g / (|g| + eps / sqrt(1 - beta2)) has slope lr sqrt(1 - beta2) / eps at g = 0, so a
  gradient at rounding level makes a step of either sign;
- undetermined: for the weights whose true gradient is 0 (a bias feeding a batch or instance norm
  straight, with only reshapes, upsampling or dropout between, and its EMA copies), max |a - b|
  over the optimizer step's range each way (Adam: 2 lr; RMSprop: 2 lr / sqrt(1 - rho));
- gradients_l2 and gradients: per optimizer, over its determined variables, ||a - b|| / ||b|| and
  max |a - b| / max |b|;
- outside: the most elements of one determined weight tensor beyond TOLERANCE of its largest
  value; roomy: of those, the most within their room; loosened: the largest share of a tensor's
  elements whose room is more than TOLERANCE of its largest value.

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
from ganspec_torch.layers import (BatchNormalization, Dense, Dropout, Flatten, InstanceNormalization, Reshape, UpSampling2d, _Convolution,
                                  gs_layers)
from ganspec_torch.tfjs_layout import _from_tfjs, _to_tfjs, weight_entries

FLOOR = 1e-3
TOLERANCE = 1e-4
#: tfjs slot suffix -> the torch optimizer's field, per optimizer kind.
SLOTS = {"adam": {"m": "m", "v": "v"}, "rmsprop": {"rms": "ms", "momentum": "mom"}, "sgd": {}}
#: Layers that move a per-channel constant added before them to the same channels after them.
SHIFT_KEEPING = (Reshape, Flatten, UpSampling2d, Dropout)
#: A ReLU, leaky ReLU or abs input this close to the kink (a fraction of its tensor's largest
#: |value|) has a side that float32 rounding may decide: the two frameworks' activations agree to
#: about 1e-6 of their tensor's largest, and the kink flips measured at seeds 11-13 lay at 3e-8 to 3e-6.
KINK = 1e-5
#: How many of an update's inputs near a kink are tried on the other side.
KINK_TRIES = 32
#: A flip is kept when it brings the gradients' L2 difference down to this share of what it was.
KINK_GAIN = 0.8
#: The gradients' bound, per optimizer ||torch - tfjs|| / ||tfjs||: see test/torch-equivalence.test.ts.
GRADIENTS_L2 = 1e-3
#: The rounding level of a gradient element, as a fraction of the optimizer's largest gradient (the
#: gradients agree elementwise to at most 4e-5 of it at seeds 11-13, wgan aside; a tensor whose gradient is all
#: rounding noise, like a critic's output bias under a loss of differences, has no scale of its own).
ROUNDING = 1e-5
#: What is measured per update (see above).
FIGURES = ("losses", "weights", "l2", "undetermined", "gradients", "gradients_l2", "outside", "roomy", "loosened")
#: The asserted figures and their bounds.
BOUNDS = {"losses": TOLERANCE, "weights": TOLERANCE, "l2": TOLERANCE, "undetermined": 1.0, "gradients_l2": GRADIENTS_L2}


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
    """The largest figure seen, and where."""

    def __init__(self) -> None:
        self.value = 0.0
        self.where = ""

    def note(self, value: float, where) -> None:
        """Keeps `value` if it is the largest yet; `where` (a string, or a function giving one) says where."""
        if value > self.value or not self.where:
            self.value = value
            self.where = where() if callable(where) else where

    def see(self, torch_value: torch.Tensor, tfjs_value: torch.Tensor, where: str) -> float:
        """max |a - b| / max(|b|, FLOOR)."""
        a = torch_value.detach().double().reshape(-1)
        b = tfjs_value.detach().double().reshape(-1)
        if a.numel() == 0:
            return 0.0
        rel = (a - b).abs() / b.abs().clamp(min=FLOOR)
        if not torch.isfinite(a).all():
            rel = torch.full_like(rel, math.inf)
        i = int(rel.argmax())
        value = float(rel[i])
        self.note(value, lambda: f"{where}[{i}]: torch {float(a[i]):.9g}, tfjs {float(b[i]):.9g}")
        return value

    def see_scaled(self, torch_value: torch.Tensor, tfjs_value: torch.Tensor, scale: float, where: str, unit: str = "scale") -> float:
        """max |a - b| / scale (the largest |tfjs value| of the tensor or group, or a step's range; at least 1e-30)."""
        a = torch_value.detach().double().reshape(-1)
        b = tfjs_value.detach().double().reshape(-1)
        if a.numel() == 0:
            return 0.0
        diff = (a - b).abs()
        if not torch.isfinite(a).all():
            diff = torch.full_like(diff, math.inf)
        i = int(diff.argmax())
        value = float(diff[i]) / max(scale, 1e-30)
        self.note(value, lambda: f"{where}[{i}]: torch {float(a[i]):.9g}, tfjs {float(b[i]):.9g}, {unit} {scale:.3g}")
        return value


class Kinks:
    """While active, watches every ReLU, leaky ReLU and abs input: the value nearest the kink, as a
    fraction of its tensor's largest |value|, and the elements within KINK of it (by call and
    position: an update makes the same calls in the same order each time it is replayed); and
    puts the elements of `flips` on the other side of the kink, their value negated (a change at
    rounding level), the gradient passing as it does. Where float32 rounding decides which side an
    input falls on, it decides the derivative there, and the two frameworks may decide apart."""

    def __init__(self, flips=frozenset()) -> None:
        self.flips = flips
        self.nearest = 1.0
        self.near: list = []
        self.calls = 0

    def _watch(self, fn):
        def watched(x, *args, **kwargs):
            call = self.calls
            self.calls += 1
            a = x.detach().abs().reshape(-1)
            top = float(a.max()) if a.numel() else 0.0
            if top > 0:
                self.nearest = min(self.nearest, float(a[a > 0].min()) / top)
                self.near.extend((call, int(i), float(a[i]) / top) for i in ((a > 0) & (a <= KINK * top)).nonzero().reshape(-1))
            mine = [i for c, i in self.flips if c == call]
            if mine:
                flat = x.reshape(-1)
                other = flat.detach().clone()
                other[mine] = -other[mine]
                x = (flat + (other - flat.detach())).reshape(x.shape)
            return fn(x, *args, **kwargs)
        return watched

    def __enter__(self):
        self.saved = (torch.relu, F.leaky_relu, torch.abs)
        torch.relu, F.leaky_relu, torch.abs = (self._watch(fn) for fn in self.saved)
        return self

    def __exit__(self, *exc) -> None:
        torch.relu, F.leaky_relu, torch.abs = self.saved


def network_list(model) -> dict:
    nets = getattr(model, "nets", None)
    if nets is None:
        nets = getattr(model, "networks")
    return nets


def undetermined_weights(nets: dict, ema: list) -> set:
    """(network, tfjs weight name) of every bias that feeds a normalisation straight (batch or
    instance norm, with only SHIFT_KEEPING layers between, in the layers' order, which the emitter
    keeps as tfjs's): the normalisation subtracts the mean over the batch (or the image) per channel,
    so the loss does not depend on that bias and its true gradient is 0, its computed one rounding
    noise of either sign. Their EMA copies too."""
    found = set()
    for name, net in nets.items():
        pending = None
        for layer in gs_layers(net):
            if isinstance(layer, (BatchNormalization, InstanceNormalization)):
                if pending is not None and pending[1] == layer.gamma.numel():
                    found.add((name, pending[0]))
                pending = None
            elif isinstance(layer, (Dense, _Convolution)):
                linear = layer.activation in (None, "linear")
                pending = (f"{layer.tfjs_name}/bias", layer.bias.numel()) if linear and layer.bias is not None else None
            elif not isinstance(layer, SHIFT_KEEPING):
                pending = None
    for e in ema:
        found |= {(e["name"], weight) for net, weight in list(found) if net == e["of"]}
    return found


def step_range(settings: dict) -> float:
    """How far one update of this optimizer may move a weight whose gradient is rounding noise,
    each way: Adam's step lr * m^ / (sqrt(v^) + eps) is at most lr (on its first step, and while
    the gradients' sign holds); RMSprop's first step lr * g / sqrt((1 - rho) g^2 + eps) at most
    lr / sqrt(1 - rho); SGD's lr * g is as small as the noise (no range: such a weight is compared
    as the others)."""
    if settings["kind"] == "adam":
        return settings["lr"]
    if settings["kind"] == "rmsprop":
        return settings["lr"] / math.sqrt(1 - settings["rho"])
    return 0.0


def step_of(settings: dict, state: dict, slots: dict, g: torch.Tensor) -> torch.Tensor:
    """The step (the change of the weight) the optimizer makes from `state` (tfjs's, its slots
    `slots` of this variable, in float64) for gradient g, in float64: optim.py's formulas."""
    lr = settings["lr"]
    if settings["kind"] == "adam":
        m = settings["beta1"] * slots.get("m", 0) + (1 - settings["beta1"]) * g
        v = settings["beta2"] * slots.get("v", 0) + (1 - settings["beta2"]) * g * g
        return -lr * (m / (1 - state["accBeta1"])) / ((v / (1 - state["accBeta2"])).sqrt() + settings["epsilon"])
    if settings["kind"] == "rmsprop":
        ms = settings["rho"] * slots.get("rms", 0) + (1 - settings["rho"]) * g * g
        return -(settings["momentum"] * slots.get("momentum", 0) + lr * g / (ms + settings["epsilon"]).sqrt())
    return -lr * g


def run_one(cycle_dir: str, module_path: str) -> dict:
    with open(f"{cycle_dir}/cycle.json", encoding="utf-8") as f:
        record = json.load(f)
    with open(f"{cycle_dir}/cycle.bin", "rb") as f:
        data = bytearray(f.read())
    module = load_module(module_path)
    model = gs.build(module.TRAINER, record["seed"])
    nets = network_list(model)
    gs.set_dropout_enabled(False)
    states = record["states"]
    tensors = {}

    def tensor(ref: dict) -> torch.Tensor:
        key = ref["offset"]
        if key not in tensors:
            tensors[key] = read_tensor(data, ref)
        return tensors[key]

    layouts = {(name, weight): layout for name, net in nets.items() for weight, _, _, layout in weight_entries(net)}
    for name, weights in record["networks"].items():
        names = [n for n, _ in gs.tfjs_weights(nets[name])]
        if names != [w["name"] for w in weights]:
            raise AssertionError(f"network {name}: torch lists weights {names}, tfjs {[w['name'] for w in weights]}")

    def load_state(state: dict) -> None:
        for name, weights in record["networks"].items():
            gs.load_tfjs_weights(nets[name], [(w["name"], tensor(r)) for w, r in zip(weights, state["networks"][name])])
        for opt in record["optimizers"]:
            mine = model.optimizers[opt["name"]]
            given = state["optimizers"][opt["name"]]
            layout = [layouts[(v["net"], v["weight"])] for v in opt["vars"]]
            fields = {}
            for slot, field in SLOTS[opt["settings"]["kind"]].items():
                refs = given["slots"].get(slot)
                fields[field] = [_from_tfjs(tensor(r), lay) for r, lay in zip(refs, layout)] if refs else [torch.zeros_like(p) for p in mine.params]
                if [tuple(t.shape) for t in fields[field]] != [tuple(p.shape) for p in mine.params]:
                    raise AssertionError(f"optimizer {opt['name']}: tfjs's {slot} slots do not fit its torch variables")
            if opt["settings"]["kind"] == "adam":
                fields["acc_beta1"], fields["acc_beta2"] = given["accBeta1"], given["accBeta2"]
            mine.load_state_dict({**fields, "iterations": given["iterations"]})

    # The initial weights loaded; reading them back must give them exactly.
    loaded = Worst()
    load_state(states[0])
    for name, weights in record["networks"].items():
        for (n, t), r in zip(gs.tfjs_weights(nets[name]), states[0]["networks"][name]):
            loaded.see(t, tensor(r), f"{name}/{n} (loaded)")

    undetermined = undetermined_weights(nets, record["ema"])
    optimizers = {opt["name"]: opt for opt in record["optimizers"]}
    runners = model.runners
    if [r.phase.name for r in runners] != [p["name"] for p in record["phases"]]:
        raise AssertionError(f"torch runs the phases {[r.phase.name for r in runners]}, tfjs {[p['name'] for p in record['phases']]}")

    def gradient_top(opt: dict, u: dict) -> float:
        """The largest |gradient| tfjs gave the optimizer in update u, over its determined weights."""
        keys = [(v["net"], v["weight"]) for v in opt["vars"]]
        return max([float(tensor(ref).abs().max()) for ref, k in zip(u["gradients"], keys) if ref is not None and k not in undetermined and math.prod(ref["shape"])] or [0.0])

    def rooms(opt: dict, u: dict) -> dict:
        """Per (network, weight) the room of each element: how far a gradient difference of
        ROUNDING times the optimizer's largest gradient moves it through the optimizer's step
        from tfjs's state (float64, both ways), and the EMA copies' share of it."""
        settings, state = opt["settings"], states[u["before"]]["optimizers"][opt["name"]]
        top = gradient_top(opt, u)
        out = {}
        for i, (v, ref) in enumerate(zip(opt["vars"], u["gradients"])):
            if ref is None:
                continue
            g = tensor(ref).double()
            slots = {k: tensor(refs[i]).double() for k, refs in state["slots"].items()}
            delta = ROUNDING * top
            base = step_of(settings, state, slots, g)
            out[(v["net"], v["weight"])] = torch.maximum((step_of(settings, state, slots, g + delta) - base).abs(),
                                                         (step_of(settings, state, slots, g - delta) - base).abs())
        for e in record["ema"]:
            share = 1 - e["decay"] if e["start"] <= 1 else 1.0
            for src, copy in zip(record["networks"][e["of"]], record["networks"][e["name"]]):
                if (e["of"], src["name"]) in out and src["trainable"]:
                    out[(e["name"], copy["name"])] = share * out[(e["of"], src["name"])]
        return out

    def replay(runner, phase: dict, r: int, u: dict, flips=frozenset(), weights=True):
        """Runs update `u` (the r-th repeat of `phase`) in torch from tfjs's state before it, with
        the inputs `flips` on the other side of their kink; returns its figures (each Worst; the
        loss and gradients only unless `weights`; "loss": torch's loss) and the kinks."""
        at = f"{phase['name']}#{r}"
        opt = optimizers[phase["optimizer"]]
        load_state(states[u["before"]])
        real = {k: to_torch_input(tensor(ref)) for k, ref in u["real"].items()}
        sampled = {k: to_torch_input(tensor(ref)) for k, ref in u["sampled"].items()}
        draws = u["draws"]
        replayed = []

        def draw(kind: str, shape, params):
            if len(replayed) == len(draws):
                raise AssertionError(f"{at}: torch drew more than the {len(draws)} random draws tfjs made ({kind} {list(shape)})")
            d = draws[len(replayed)]
            replayed.append(kind)
            if d["kind"] != kind:
                raise AssertionError(f"{at}: random draw {len(replayed)}: torch draws {kind}, tfjs drew {d['kind']}")
            if kind == "augment":
                return d["draws"]
            t = to_torch_input(tensor(d["tensor"]))
            if list(t.shape) != list(shape) and t.numel() == math.prod(shape) == t.shape[0]:
                t = t.reshape(list(shape))  # one number per example, e.g. [B, 1, 1, 1] drawn as [B, 1]
            if list(t.shape) != list(shape):
                raise AssertionError(f"{at}: random draw {len(replayed)} ({kind}): torch shape {list(shape)}, tfjs {d['tensor']['shape']}")
            return t

        grads = []
        step = runner.optimizer.step
        runner.optimizer.step = lambda given, step=step: (grads.append(given), step(given))[1]
        gs.set_draw_hook(draw)
        kinks = Kinks(flips)
        try:
            with kinks:
                loss = gs.update_once(model, runner, real, sampled, 1)
        finally:
            gs.set_draw_hook(None)
            del runner.optimizer.step
        if len(replayed) != len(draws):
            raise AssertionError(f"{at}: torch made {len(replayed)} random draws, tfjs {len(draws)}")

        figures = {k: Worst() for k in FIGURES}
        figures["loss"] = loss
        figures["losses"].see(torch.tensor([loss]), torch.tensor([u["loss"]]), f"{at} loss")
        # The gradients the optimizer was given, per tensor, over the determined weights.
        keys = [(v["net"], v["weight"]) for v in opt["vars"]]
        top = gradient_top(opt, u)
        num = den = 0.0
        for a, ref, k in zip(grads[0], u["gradients"], keys):
            if (a is None) != (ref is None):
                raise AssertionError(f"{at}: {k[0]}/{k[1]} gets a gradient in {'torch' if ref is None else 'tfjs'} only")
            if a is None or k in undetermined:
                continue
            a, b = _to_tfjs(a, layouts[k]).double(), tensor(ref).double()
            figures["gradients"].see_scaled(a, b, top, f"{at} gradient of {k[0]}/{k[1]}", "scale (the optimizer's largest)")
            num += float((a - b).square().sum())
            den += float(b.square().sum())
        if den > 0:
            figures["gradients_l2"].note(math.sqrt(num / den), f"{at} optimizer {opt['name']}")
        if not weights:
            return figures, kinks
        # The state after: every network's weights.
        room = rooms(opt, u)
        after, before = states[u["after"]], states[u["before"]]
        for name, weights in record["networks"].items():
            num = den = 0.0
            for (n, a), ref, ref0 in zip(gs.tfjs_weights(nets[name]), after["networks"][name], before["networks"][name]):
                b = tensor(ref)
                where = f"{at} {name}/{n}"
                if (name, n) in undetermined and step_range(opt["settings"]) > 0:  # SGD's step of a noise gradient is noise
                    figures["undetermined"].see_scaled(a, b, 2 * step_range(opt["settings"]), where, "2 x step range")
                    continue
                scale = float(b.abs().max()) if b.numel() else 0.0
                diff = (a.double() - b.double()).abs()
                figures["outside"].note(float(int((diff > TOLERANCE * scale).sum())), lambda: f"{where} (of {b.numel()})")
                beyond = diff - room[(name, n)] if (name, n) in room else diff
                if (name, n) in room and b.numel():
                    figures["loosened"].note(float((room[(name, n)] > TOLERANCE * scale).double().mean()), where)
                figures["roomy"].note(float(int(((diff > TOLERANCE * scale) & (beyond <= TOLERANCE * scale)).sum())), where)
                i = int(beyond.reshape(-1).argmax()) if b.numel() else 0
                value = float(beyond.reshape(-1)[i]) / max(scale, 1e-30) if b.numel() else 0.0
                figures["weights"].note(value, lambda: f"{where}[{i}]: torch {float(a.reshape(-1)[i]):.9g}, tfjs {float(b.reshape(-1)[i]):.9g}, scale {scale:.3g}"
                                        + (f", room {float(room[(name, n)].reshape(-1)[i]):.3g}" if (name, n) in room else ""))
                if ref["offset"] != ref0["offset"]:  # changed by this update in tfjs
                    num += float(diff.square().sum())
                    den += float(b.double().square().sum())
            if den > 0:
                figures["l2"].note(math.sqrt(num / den), f"{at} {name}")
        return figures, kinks

    def badness(figures: dict) -> float:
        """The worst asserted figure over its bound (<= 1: the update agrees)."""
        return max(figures[k].value / bound for k, bound in BOUNDS.items())

    worst = {k: Worst() for k in FIGURES}
    loss_pairs = {}
    flipped = []
    nearest = 1.0
    updates = draws = 0
    for runner, phase in zip(runners, record["phases"]):
        pairs = loss_pairs.setdefault(phase["name"], {"torch": [], "tfjs": []})
        for r, u in enumerate(phase["updates"]):
            figures, kinks = replay(runner, phase, r, u)
            nearest = min(nearest, kinks.nearest)
            # Where the update disagrees (or its gradients differ by more than TOLERANCE) and inputs
            # lie within KINK of a kink, tfjs may have taken the other side at some: try each (the
            # nearest KINK_TRIES) on the other side alone, then keep those that bring the gradients
            # closer, most first, each only if it cuts their difference by 1 - KINK_GAIN.
            candidates = sorted(kinks.near, key=lambda c: c[2])[:KINK_TRIES]
            if (badness(figures) > 1 or figures["gradients_l2"].value > TOLERANCE) and candidates:
                plain = figures["gradients_l2"].value
                alone = [(replay(runner, phase, r, u, frozenset({c[:2]}), weights=False)[0]["gradients_l2"].value, c) for c in candidates]
                flips, best = frozenset(), plain
                for value, c in sorted(alone, key=lambda t: t[0]):
                    if value >= plain:
                        break
                    tried = replay(runner, phase, r, u, flips | {c[:2]}, weights=False)[0]["gradients_l2"].value
                    if tried < KINK_GAIN * best:
                        flips, best = flips | {c[:2]}, tried
                        flipped.append(f"{phase['name']}#{r}: input {c[1]} of call {c[0]} at {c[2]:.1g} of its tensor's largest")
                if flips:
                    figures = replay(runner, phase, r, u, flips)[0]
            for k in FIGURES:
                worst[k].note(figures[k].value, figures[k].where)
            pairs["torch"].append(figures["loss"])
            pairs["tfjs"].append(u["loss"])
            updates += 1
            draws += len(u["draws"])
    return {
        "figures": {k: v.value for k, v in worst.items()}, "at": {k: v.where for k, v in worst.items()}, "loaded": loaded.value,
        "losses": loss_pairs, "updates": updates, "draws": draws, "kink": nearest, "flipped": flipped,
        "undetermined": sorted(f"{n}/{w}" for n, w in undetermined),
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
