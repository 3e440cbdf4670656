#!/usr/bin/python3
"""PyTorch side of gan-bench --to-quality: trains Keras-GAN's DCGAN, WGAN-GP, CGAN or ACGAN in
PyTorch on MNIST's IDX files and, every N steps (step 0, the untrained generator, included),
writes K samples as PNG files into OUT/samples/step-NNNNNN/ (000000.png, ...; with labels.csv
"file,label" for the conditional models, sample i asked for class i mod 10, as gan-eval --samples
reads it) and appends {"step", "trainSeconds"} to OUT/log.jsonl: the wall time of training up to
that step, the sample writing left out. gan-bench scores the folders with ganspec's evaluator.

Bench only: ganspec never imports or needs Python. The networks and the step are the specs'
(specs/dcgan.yaml, wgan-gp.yaml, cgan.yaml, acgan.yaml, written from Keras-GAN): the DCGAN and
WGAN-GP networks of pytorch_dcgan.py, Keras' initialisers (Glorot-uniform kernels, zero biases,
uniform(-0.05, 0.05) embeddings), Keras' Adam/RMSprop epsilon 1e-7, batch 32.

    /usr/bin/python3 bench/baseline/pytorch_train.py --model dcgan --out runs/pt-dcgan --every 200 --n 2000 --limit-min 10
"""
import argparse
import json
import os
import struct
import sys
import time
import zlib

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see pytorch_dcgan.py

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_dcgan import LATENT, MNIST, Discriminator, Generator, SameConv2d, bn, frozen, gradient_penalty, load_mnist  # noqa: E402

LABELS = os.path.join(os.path.dirname(MNIST), "train-labels-idx1-ubyte")


def keras_init(net):
    """Keras' defaults: glorot_uniform kernels, zero biases, uniform(-0.05, 0.05) embeddings."""
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.uniform_(m.weight, -0.05, 0.05)
    return net


def load_labels(path):
    with open(path, "rb") as f:
        _, count = struct.unpack(">II", f.read(8))
        return np.frombuffer(f.read(), dtype=np.uint8).astype(np.int64)


class Data:
    """Random batches of the training split in [-1, 1], with labels."""

    def __init__(self):
        self.images = load_mnist(MNIST)
        self.labels = load_labels(LABELS)

    def __call__(self, batch):
        idx = np.random.randint(0, self.images.shape[0], batch)
        x = torch.from_numpy(self.images[idx].astype(np.float32) / 127.5 - 1.0)
        return x, torch.from_numpy(self.labels[idx])


class CganG(nn.Module):
    """specs/cgan.yaml's G: z * embedding(label), dense 256/512/1024 (lrelu 0.2, BN 0.8), dense 784 tanh."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, LATENT)
        layers, width = [], LATENT
        for units in (256, 512, 1024):
            layers += [nn.Linear(width, units), nn.LeakyReLU(0.2), nn.BatchNorm1d(units, eps=1e-3, momentum=0.2)]
            width = units
        self.body = nn.Sequential(*layers, nn.Linear(width, 784), nn.Tanh())

    def forward(self, z, y):
        return self.body(z * self.embed(y)).view(-1, 1, 28, 28)


class CganD(nn.Module):
    """specs/cgan.yaml's D: flatten(img) * embedding(label), dense 512 x3 (lrelu, dropout 0.4), sigmoid."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 784)
        self.body = nn.Sequential(
            nn.Linear(784, 512), nn.LeakyReLU(0.2),
            nn.Linear(512, 512), nn.LeakyReLU(0.2), nn.Dropout(0.4),
            nn.Linear(512, 512), nn.LeakyReLU(0.2), nn.Dropout(0.4),
            nn.Linear(512, 1), nn.Sigmoid(),
        )

    def forward(self, x, y):
        return self.body(x.flatten(1) * self.embed(y))


class AcganG(nn.Module):
    """specs/acgan.yaml's G: z * embedding(label), dense 6272 relu, 7x7x128, BN, (upsample, conv, relu, BN) x2, conv tanh."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, LATENT)
        self.dense = nn.Linear(LATENT, 128 * 7 * 7)
        self.body = nn.Sequential(
            bn(128),
            nn.Upsample(scale_factor=2, mode="nearest"), SameConv2d(128, 128, 3), nn.ReLU(), bn(128),
            nn.Upsample(scale_factor=2, mode="nearest"), SameConv2d(128, 64, 3), nn.ReLU(), bn(64),
            SameConv2d(64, 1, 3), nn.Tanh(),
        )

    def forward(self, z, y):
        return self.body(F.relu(self.dense(z * self.embed(y))).view(-1, 128, 7, 7))


class AcganD(nn.Module):
    """specs/acgan.yaml's D: conv 16/32/64/128 (lrelu, dropout, BN), a sigmoid validity head and an 11-way softmax head."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            SameConv2d(1, 16, 3, 2), nn.LeakyReLU(0.2), nn.Dropout(0.25),
            SameConv2d(16, 32, 3, 2), nn.ZeroPad2d((0, 1, 0, 1)), nn.LeakyReLU(0.2), nn.Dropout(0.25), bn(32),
            SameConv2d(32, 64, 3, 2), nn.LeakyReLU(0.2), nn.Dropout(0.25), bn(64),
            SameConv2d(64, 128, 3, 1), nn.LeakyReLU(0.2), nn.Dropout(0.25),
            nn.Flatten(),
        )
        self.valid = nn.Linear(128 * 4 * 4, 1)
        self.label = nn.Linear(128 * 4 * 4, 11)

    def forward(self, x):
        h = self.net(x)
        return torch.sigmoid(self.valid(h)), self.label(h)  # class logits; cross_entropy applies the softmax


def adam(net):
    return torch.optim.Adam(net.parameters(), lr=0.0002, betas=(0.5, 0.999), eps=1e-7)


def model(name, data, batch):
    """(G, step, conditional): step() does one schedule cycle of the spec."""
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)
    bce = F.binary_cross_entropy
    if name in ("dcgan", "wgan-gp"):
        G = keras_init(Generator(3 if name == "dcgan" else 4))
        D = keras_init(Discriminator((32, 64, 128, 256), sigmoid=True) if name == "dcgan" else Discriminator((16, 32, 64, 128), sigmoid=False))
    elif name == "cgan":
        G, D = keras_init(CganG()), keras_init(CganD())
    else:
        G, D = keras_init(AcganG()), keras_init(AcganD())
    if name == "wgan-gp":
        opt_g = torch.optim.RMSprop(G.parameters(), lr=0.00005, alpha=0.9, eps=1e-7)
        opt_d = torch.optim.RMSprop(D.parameters(), lr=0.00005, alpha=0.9, eps=1e-7)
    else:
        opt_g, opt_d = adam(G), adam(D)

    def update(opt, loss):
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def g_update(loss_of):
        frozen(D, True)
        update(opt_g, loss_of())
        frozen(D, False)

    z = lambda: torch.randn(batch, LATENT)  # noqa: E731
    y_g = lambda: torch.randint(0, 10, (batch,))  # noqa: E731

    def step():
        if name == "dcgan":
            x, _ = data(batch)
            with torch.no_grad():
                fake = G(z())
            update(opt_d, 0.5 * (bce(D(x), ones) + bce(D(fake), zeros)))
            g_update(lambda: bce(D(G(z())), ones))
        elif name == "wgan-gp":
            for _ in range(5):
                x, _ = data(batch)
                with torch.no_grad():
                    fake = G(z())
                update(opt_d, D(fake).mean() - D(x).mean() + 10 * gradient_penalty(D, x, fake))
            g_update(lambda: -D(G(z())).mean())
        elif name == "cgan":
            x, y = data(batch)
            yg = y_g()
            with torch.no_grad():
                fake = G(z(), yg)
            update(opt_d, 0.5 * (bce(D(x, y), ones) + bce(D(fake, yg), zeros)))
            yg = y_g()
            g_update(lambda: bce(D(G(z(), yg), yg), ones))
        else:
            x, y = data(batch)
            yg = y_g()
            with torch.no_grad():
                fake = G(z(), yg)
            vr, lr = D(x)
            vf, lf = D(fake)
            generated = torch.full((batch,), 10, dtype=torch.long)
            update(opt_d, 0.5 * (bce(vr, ones) + 0.625 * F.cross_entropy(lr, y) + bce(vf, zeros) + 0.0625 * F.cross_entropy(lf, generated)))
            yg = y_g()

            def g_loss():
                v, logits = D(G(z(), yg))
                return bce(v, ones) + 0.625 * F.cross_entropy(logits, yg)
            g_update(g_loss)

    return G, step, name in ("cgan", "acgan")


def png_bytes(pixels):
    """An 8-bit greyscale PNG of a (h, w) uint8 array."""
    h, w = pixels.shape

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(h))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def write_samples(G, conditional, n, folder, seed):
    """n samples of G in inference mode (batch norm's moving statistics, as Keras' predict) from fixed inputs."""
    os.makedirs(folder, exist_ok=True)
    gen = torch.Generator().manual_seed(seed)
    labels = [i % 10 for i in range(n)]
    was = G.training
    G.eval()
    with torch.no_grad():
        for start in range(0, n, 250):
            size = min(250, n - start)
            z = torch.randn(size, LATENT, generator=gen)
            img = G(z, torch.tensor(labels[start:start + size])) if conditional else G(z)
            pix = ((img.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
            for i in range(size):
                with open(os.path.join(folder, f"{start + i:06d}.png"), "wb") as f:
                    f.write(png_bytes(pix[i, 0]))
    G.train(was)
    if conditional:
        with open(os.path.join(folder, "labels.csv"), "w") as f:
            f.write("file,label\n" + "".join(f"{i:06d}.png,{labels[i]}\n" for i in range(n)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=["dcgan", "wgan-gp", "cgan", "acgan"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--every", type=int, default=200, help="steps between sample folders (step 0 included)")
    ap.add_argument("--n", type=int, default=2000, help="samples per folder")
    ap.add_argument("--limit-min", type=float, default=10, help="minutes of training (sample writing excluded) at most")
    ap.add_argument("--steps", type=int, default=0, help="steps at most (0: no limit but the time)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    os.makedirs(os.path.join(a.out, "samples"), exist_ok=True)
    with open(os.path.join(a.out, "pytorch.json"), "w") as f:
        json.dump({"model": a.model, "backend": f"torch {torch.__version__} cpu, {torch.get_num_threads()} threads",
                   "threads": torch.get_num_threads(), "batch": a.batch, "seed": a.seed,
                   "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY")}, f)
        f.write("\n")
    G, step, conditional = model(a.model, Data(), a.batch)
    log = open(os.path.join(a.out, "log.jsonl"), "a")
    trained, s = 0.0, 0
    while True:
        if s % a.every == 0:
            write_samples(G, conditional, a.n, os.path.join(a.out, "samples", f"step-{s:06d}"), a.seed + 1)
            log.write(json.dumps({"step": s, "trainSeconds": trained}) + "\n")
            log.flush()
            print(f"step {s}: {trained:.1f} s of training", flush=True)
        if trained >= a.limit_min * 60 or (a.steps and s >= a.steps):
            break
        t0 = time.perf_counter()
        step()
        trained += time.perf_counter() - t0
        s += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
