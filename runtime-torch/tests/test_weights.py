"""tfjs weight names, order and layouts, both ways. Run by test/torch-runtime.test.ts.
Imports torch and ganspec_torch."""
import unittest

import torch
from torch import nn

import ganspec_torch as gs

torch.set_num_threads(1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l0 = gs.Conv2d(1, 2, [3, 3], [2, 2], name="D_l0")
        self.l1 = gs.BatchNormalization(2, momentum=0.8, name="D_l1")
        self.l2 = gs.Conv2dTranspose(2, 3, [2, 2], [2, 2], name="D_l2")
        self.l3 = gs.Flatten(name="D_l3")
        self.l4 = gs.Dense(192, 1, name="D_l4")

    def forward(self, x):
        return self.l4(self.l3(self.l2(self.l1(self.l0(x)))))


class TfjsWeights(unittest.TestCase):
    def test_names_order_and_layouts(self):
        net = Net()
        ws = gs.tfjs_weights(net)
        self.assertEqual([n for n, _ in ws], [
            "D_l0/kernel", "D_l0/bias", "D_l1/gamma", "D_l1/beta", "D_l2/kernel", "D_l2/bias", "D_l4/kernel", "D_l4/bias",
            "D_l1/moving_mean", "D_l1/moving_variance"])
        shapes = {n: list(t.shape) for n, t in ws}
        self.assertEqual(shapes["D_l0/kernel"], [3, 3, 1, 2])  # [kh, kw, in, out]
        self.assertEqual(shapes["D_l2/kernel"], [2, 2, 3, 2])  # [kh, kw, out, in]
        self.assertEqual(shapes["D_l4/kernel"], [192, 1])  # [in, out]
        # conv kernel element [i, j, c_in, c_out] is torch weight [c_out, c_in, i, j]
        k = dict(ws)["D_l0/kernel"]
        self.assertEqual(k[2, 1, 0, 1].item(), net.l0.weight[1, 0, 2, 1].item())

    def test_round_trip_gives_the_same_outputs(self):
        torch.manual_seed(0)
        a, b = Net(), Net()
        with torch.no_grad():
            a.l1.moving_mean.fill_(0.5)
        gs.load_tfjs_weights(b, gs.tfjs_weights(a))
        x = torch.randn(2, 1, 8, 8)
        a.eval(), b.eval()
        self.assertTrue(torch.equal(a(x), b(x)))
        self.assertEqual(b.l1.moving_mean.tolist(), [0.5, 0.5])

    def test_a_wrong_name_is_refused(self):
        ws = gs.tfjs_weights(Net())
        ws[0] = ("G_l0/kernel", ws[0][1])
        with self.assertRaisesRegex(ValueError, "weight G_l0/kernel given where the network has D_l0/kernel"):
            gs.load_tfjs_weights(Net(), ws)


if __name__ == "__main__":
    unittest.main()
