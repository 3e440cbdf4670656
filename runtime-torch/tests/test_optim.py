"""The optimizers' first two steps against hand-computed numbers (tfjs's formulas), and the
learning-rate decay. Run by test/torch-runtime.test.ts. Imports torch and ganspec_torch."""
import math
import unittest

import torch

import ganspec_torch as gs

torch.set_num_threads(1)


def run(opt_factory, grads):
    w = torch.tensor([1.0])
    opt = opt_factory([w])
    values = []
    for g in grads:
        opt.step([torch.tensor([g])])
        values.append(w.item())
    return values


class Optimizers(unittest.TestCase):
    def test_adam_two_steps_with_tfjs_epsilon_placement(self):
        values = run(lambda p: gs.Adam(p, 0.1, 0.9, 0.999, 1e-7), [0.5, 0.25])
        # step 1: m = 0.05, v = 0.00025; m^ = 0.5, v^ = 0.25; w = 1 - 0.1 * 0.5 / (0.5 + 1e-7)
        w1 = 1 - 0.1 * 0.5 / (0.5 + 1e-7)
        self.assertAlmostEqual(values[0], w1, places=5)  # float32 arithmetic, as tfjs
        # step 2: m = 0.9 * 0.05 + 0.1 * 0.25 = 0.07, v = 0.999 * 0.00025 + 0.001 * 0.0625 = 0.00031225
        m_hat, v_hat = 0.07 / (1 - 0.81), 0.00031225 / (1 - 0.998001)
        w2 = w1 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-7)
        self.assertAlmostEqual(values[1], w2, places=5)
        self.assertAlmostEqual(values[1], 0.9 - 0.0932184, places=5)

    def test_adam_epsilon_is_added_to_the_bias_corrected_root(self):
        # With a large epsilon the placement shows: tfjs's m^ / (sqrt(v^) + eps), not Keras-python's.
        values = run(lambda p: gs.Adam(p, 1.0, 0.9, 0.999, 0.1), [0.5])
        self.assertAlmostEqual(values[0], 1 - 0.5 / (0.5 + 0.1), places=5)

    def test_rmsprop_two_steps_eps_inside_the_root_with_momentum(self):
        values = run(lambda p: gs.RMSprop(p, 0.01, 0.9, 0.5, 1e-7), [0.5, 0.25])
        ms1 = 0.1 * 0.25
        mom1 = 0.01 * 0.5 / math.sqrt(ms1 + 1e-7)
        self.assertAlmostEqual(values[0], 1 - mom1, places=6)
        ms2 = 0.9 * ms1 + 0.1 * 0.0625
        mom2 = 0.5 * mom1 + 0.01 * 0.25 / math.sqrt(ms2 + 1e-7)
        self.assertAlmostEqual(values[1], 1 - mom1 - mom2, places=6)

    def test_sgd(self):
        self.assertEqual(run(lambda p: gs.SGD(p, 0.5), [0.5, 0.25]), [0.75, 0.625])

    def test_a_weight_without_gradient_is_left_alone(self):
        a, b = torch.tensor([1.0]), torch.tensor([1.0])
        opt = gs.SGD([a, b], 1.0)
        opt.step([torch.tensor([0.5]), None])
        self.assertEqual((a.item(), b.item()), (0.5, 1.0))

    def test_linear_decay(self):
        s = gs.OptimizerSettings(kind="sgd", lr=0.1, decay=gs.LinearDecay(kind="linear", start=10, end=20))
        self.assertEqual([round(gs.learning_rate(s, k), 10) for k in (1, 10, 15, 20, 30)], [0.1, 0.1, 0.05, 0.0, 0.0])


if __name__ == "__main__":
    unittest.main()
