"""The operations against hand values and closed forms: losses (clipping included), reductions
along axes, per-example dot and norms, grad (double backprop), the gradient penalty with a fixed
interpolation weight, the draw hook, DiffAugment with given draws. Run by
test/torch-runtime.test.ts. Imports torch and ganspec_torch."""
import math
import unittest

import torch

import ganspec_torch as gs

torch.set_num_threads(1)


class Losses(unittest.TestCase):
    def test_bce_hand_value_and_clipping(self):
        p = torch.tensor([[0.9], [0.2]])
        self.assertAlmostEqual(gs.bce(p, 1).item(), -(math.log(0.9) + math.log(0.2)) / 2, places=6)
        clipped = torch.tensor(1 - 1e-7).item()  # 1 - 1e-7 in float32, as tfjs clips
        self.assertAlmostEqual(gs.bce(torch.tensor([[1.0]]), 0).item(), -math.log(1 - clipped), places=4)

    def test_bce_logits_equals_bce_of_sigmoid(self):
        l = torch.tensor([[2.0], [-1.0]])
        self.assertAlmostEqual(gs.bce_logits(l, 0.3).item(), gs.bce(torch.sigmoid(l), 0.3).item(), places=5)

    def test_ce_with_labels_class_number_and_codes(self):
        p = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
        want = -(math.log(0.7) + math.log(0.8)) / 2
        self.assertAlmostEqual(gs.ce(p, torch.tensor([0, 2])).item(), want, places=6)
        self.assertAlmostEqual(gs.ce(p, torch.tensor([[1.0, 0, 0], [0, 0, 1.0]])).item(), want, places=6)
        self.assertAlmostEqual(gs.ce(p, 0).item(), -(math.log(0.7) + math.log(0.1)) / 2, places=6)
        self.assertAlmostEqual(gs.ce_logits(torch.log(p), torch.tensor([0, 2])).item(), want, places=5)

    def test_mse_l1(self):
        a = torch.tensor([[1.0], [3.0]])
        self.assertEqual(gs.mse(a, 2.0).item(), 1.0)
        self.assertEqual(gs.l1(a, 0.0).item(), 2.0)


class Reductions(unittest.TestCase):
    def test_population_std_and_var_along_an_axis(self):
        t = torch.tensor([[1.0, 2.0], [3.0, 6.0]])
        self.assertEqual(gs.reduce("var", t, [0]).tolist(), [1.0, 4.0])
        self.assertEqual(gs.reduce("std", t, [0]).tolist(), [1.0, 2.0])
        self.assertEqual(gs.reduce("max", t).item(), 6.0)
        self.assertEqual(gs.reduce("min", t, [1]).tolist(), [1.0, 3.0])
        self.assertEqual(gs.reduce("mean", t).item(), 3.0)

    def test_dot_and_norms_per_example(self):
        a = torch.tensor([[3.0, 4.0], [1.0, -1.0]])
        self.assertEqual(gs.dot(a, a).tolist(), [25.0, 2.0])
        self.assertAlmostEqual(gs.norm(a).tolist()[0], math.sqrt(25 + 1e-12), places=6)
        self.assertEqual(gs.norm(a, 1).tolist(), [7.0, 2.0])
        self.assertEqual(gs.norm(a, "inf").tolist(), [4.0, 1.0])


class Gradients(unittest.TestCase):
    def test_grad_of_a_square_is_twice_and_differentiable_again(self):
        w = torch.tensor(3.0, requires_grad=True)
        x = torch.tensor([1.0, 2.0])
        g = gs.grad(lambda v: w * v * v, x)  # d/dx sum(w x^2) = 2 w x
        self.assertEqual(g.tolist(), [6.0, 12.0])
        (dw,) = torch.autograd.grad(g.sum(), w)  # d/dw sum(2 w x) = 2 * 3
        self.assertEqual(dw.item(), 6.0)

    def test_gradient_penalty_of_a_linear_critic_through_the_draw_hook(self):
        drawn = []

        def hook(kind, shape, params):
            drawn.append((kind, shape, params))
            return torch.full(shape, 0.25)

        w = torch.tensor([[3.0, 4.0]], requires_grad=True)
        gs.set_draw_hook(hook)
        try:
            gp = gs.gradient_penalty(lambda x: x @ w.t(), torch.ones(2, 2), torch.zeros(2, 2))
        finally:
            gs.set_draw_hook(None)
        self.assertEqual(drawn, [("uniform", [2, 1], (0.0, 1.0))])
        self.assertAlmostEqual(gp.item(), (math.sqrt(25 + 1e-12) - 1) ** 2, places=4)  # the gradient is w: (5 - 1)^2
        (dw,) = torch.autograd.grad(gp, w)  # d/dw (|w| - 1)^2 = 2 (|w| - 1) w / |w|
        self.assertAlmostEqual(dw[0, 0].item(), 2 * 4 * 3 / 5, places=4)


class Augment(unittest.TestCase):
    def test_translation_and_cutout_with_given_draws(self):
        x = torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4)
        y = gs.augment_with(x, ["translation"], {"translation": {"dy": [1], "dx": [-1]}})
        # out[i][j] = x[i + 1][j - 1], zero outside
        want = [[0.0 if not (0 <= i + 1 < 4 and 0 <= j - 1 < 4) else 4 * (i + 1) + (j - 1) for j in range(4)] for i in range(4)]
        self.assertEqual(y[0, 0].tolist(), want)
        z = gs.augment_with(x, ["cutout"], {"cutout": {"top": [-1], "left": [1]}})  # a 2x2 square clipped to row 0, cols 1-2
        self.assertEqual(z[0, 0, 0].tolist(), [0.0, 0.0, 0.0, 3.0])
        self.assertEqual(z[0, 0, 1].tolist(), [4.0, 5.0, 6.0, 7.0])

    def test_color_brightness_alone_adds(self):
        x = torch.zeros(1, 3, 2, 2)
        y = gs.augment_with(x, ["color"], {"color": {"brightness": [0.5], "saturation": [1.0], "contrast": [1.0]}})
        self.assertTrue(torch.allclose(y, torch.full_like(x, 0.5)))

    def test_the_hook_gives_the_draws(self):
        gs.set_draw_hook(lambda kind, shape, policy: {"translation": {"dy": [0], "dx": [0]}})
        try:
            x = torch.randn(1, 1, 8, 8)
            self.assertTrue(torch.equal(gs.diff_augment(x, ["translation"]), x))
        finally:
            gs.set_draw_hook(None)

    def test_draw_order_as_the_typescript_side(self):
        values = iter([0.0, 0.5, 0.999, 0.25])
        d = gs.draw_augment(["translation"], 2, 8, 8, lambda: next(values))
        # max shift int(8/8 + 0.5) = 1: randint(-1, 1) = -1 + floor(r * 3)
        self.assertEqual(d, {"translation": {"dy": [-1, 0], "dx": [1, -1]}})


if __name__ == "__main__":
    unittest.main()
