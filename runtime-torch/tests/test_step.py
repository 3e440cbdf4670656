"""gs.build and gs.cycle on a hand-written two-network trainer with linear networks, checked
against closed forms: a phase moves only the weights it updates (the other network's weights
get no gradient at all), SGD's step is -lr * the hand gradient, clipping, the EMA copy after its
source's update, repeats on their own batches, the learning-rate decay at the given step.
Run by test/torch-runtime.test.ts. Imports torch and ganspec_torch."""
import unittest

import torch
from torch import nn

import ganspec_torch as gs

torch.set_num_threads(1)


class G(nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = gs.Dense(2, 2, name="G_l0")

    def forward(self, z):
        return self.l0(z)


class D(nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = gs.Dense(2, 1, name="D_l0")

    def forward(self, x):
        return self.l0(x)


seen_grad = []


def loss_d(nets, real, sampled):
    # mean(D(x)) - mean(D(G(z))): d/dw = mean(x) - mean(G(z)), d/db = 0
    fake = gs.call(nets["G"], sampled["z"], training=True)
    seen_grad.append(fake.requires_grad)
    return gs.call(nets["D"], real["x"], training=True).mean() - gs.call(nets["D"], fake, training=True).mean()


def loss_g(nets, real, sampled):
    return -gs.call(nets["D"], gs.call(nets["G"], sampled["z"], training=True), training=True).mean()


def trainer(clip=None, repeat=1, decay=None):
    sgd = gs.OptimizerSettings(kind="sgd", lr=0.1, decay=decay)
    phases = {"D": gs.PhaseSettings(repeat=repeat, clip=clip, optimizer=sgd), "G": gs.PhaseSettings(repeat=1, clip=None, optimizer=sgd)}
    return gs.Trainer(
        name="t", source="t.yaml", paper="", hyperparameters=gs.Hyperparameters(batch=2, steps=1, phases=phases), data={},
        real=[gs.RealInput(name="x", shape=[2], dtype="float32")], samples=[gs.Sample(name="z", kind="normal", size=2, shape=[2], mean=0.0, std=1.0)],
        networks={"G": G, "D": D, "D_ema": D},
        phases=[gs.Phase(name="D", loss=loss_d, settings=phases["D"], optimizer="D", updates=[gs.Update(net="D")], real=["x"], sampled=["z"]),
                gs.Phase(name="G", loss=loss_g, settings=phases["G"], optimizer="G", updates=[gs.Update(net="G")], real=[], sampled=["z"])],
        preview=gs.Preview(every=1, rows=1, cols=1, per_row=[], per_col=[], bands=[], real=[], sampled=[]), render=lambda n, r, s: [],
        checkpoint=gs.CheckpointSettings(every=1, keep=1), ema=[gs.Ema(name="D_ema", of="D", decay=0.75, start=1)])


def batches(x, z, repeat=1):
    return {"D": [{"x": x[i]} for i in range(repeat)]}, {"D": [{"z": z[i]} for i in range(repeat)], "G": [{"z": z[-1]}]}


class Cycle(unittest.TestCase):
    def setUp(self):
        self.x = [torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[0.0, 1.0], [1.0, 0.0]])]
        self.z = [torch.tensor([[0.5, -1.0], [1.5, 0.0]]), torch.tensor([[1.0, 1.0], [-1.0, 0.0]])]

    def test_the_d_phase_moves_d_by_the_hand_gradient_and_computes_nothing_for_g(self):
        model = gs.build(trainer(), 3)
        g0 = model.nets["G"].l0.weight.detach().clone()
        w0 = model.nets["D"].l0.weight.detach().clone()
        fake = model.nets["G"](self.z[0]).detach()
        seen_grad.clear()
        model.runners = model.runners[:1]  # the D phase alone
        gs.cycle(model, {"D": [{"x": self.x[0]}]}, {"D": [{"z": self.z[0]}]})
        self.assertEqual(seen_grad, [False])  # G's weights need no gradient in D's phase
        grad = self.x[0].mean(0) - fake.mean(0)
        self.assertTrue(torch.allclose(model.nets["D"].l0.weight.detach(), w0 - 0.1 * grad, atol=1e-6))
        self.assertTrue(torch.equal(model.nets["G"].l0.weight.detach(), g0))
        self.assertEqual(model.nets["D"].l0.bias.item(), 0.0)
        # D_ema: 0.75 * its start (D's initial weights) + 0.25 * D's new weights
        ema = model.nets["D_ema"].l0.weight.detach()
        self.assertTrue(torch.allclose(ema, 0.75 * w0 + 0.25 * (w0 - 0.1 * grad), atol=1e-6))

    def test_clip_and_repeats_each_on_their_own_batch(self):
        model = gs.build(trainer(clip=0.01, repeat=2), 3)
        real, sampled = batches(self.x, self.z, repeat=2)
        losses = gs.cycle(model, real, sampled)
        self.assertEqual([len(losses["D"]), len(losses["G"])], [2, 1])
        self.assertLessEqual(model.nets["D"].l0.weight.abs().max().item(), 0.01)
        self.assertEqual(model.step, 1)

    def test_learning_rate_decay_at_the_given_step(self):
        decay = gs.LinearDecay(kind="linear", start=0, end=10)
        model = gs.build(trainer(decay=decay), 3)
        w0 = model.nets["D"].l0.weight.detach().clone()
        fake = model.nets["G"](self.z[0]).detach()
        model.runners = model.runners[:1]
        gs.cycle(model, {"D": [{"x": self.x[0]}]}, {"D": [{"z": self.z[0]}]}, step=5)
        grad = self.x[0].mean(0) - fake.mean(0)
        self.assertTrue(torch.allclose(model.nets["D"].l0.weight.detach(), w0 - 0.05 * grad, atol=1e-6))  # lr 0.1 * (10 - 5) / 10

    def test_build_is_repeatable_from_its_seed(self):
        a, b, c = gs.build(trainer(), 7), gs.build(trainer(), 7), gs.build(trainer(), 8)
        self.assertTrue(torch.equal(a.nets["G"].l0.weight, b.nets["G"].l0.weight))
        self.assertFalse(torch.equal(a.nets["G"].l0.weight, c.nets["G"].l0.weight))
        self.assertTrue(torch.equal(a.nets["D"].l0.weight, a.nets["D_ema"].l0.weight))


if __name__ == "__main__":
    unittest.main()
