"""Unit tests of ganspec_torch's layers against hand values and closed forms (TF 'same' padding,
conv-transpose 'same', Keras batch norm momentum, NHWC flatten/reshape, dropout's rate and
scaling, spectral norm's sigma). Run by test/torch-runtime.test.ts. Imports torch and ganspec_torch."""
import math
import unittest

import torch

import ganspec_torch as gs

torch.set_num_threads(1)


def ramp(h, w):
    return torch.arange(h * w, dtype=torch.float32).reshape(1, 1, h, w)


def window_sum(w_, rows, cols):
    """Sum of the ramp x[i][j] = w_ * i + j over the given rows and columns (closed form)."""
    return len(cols) * w_ * sum(rows) + len(rows) * sum(cols)


class SamePadding(unittest.TestCase):
    def conv(self, h, w):
        layer = gs.Conv2d(1, 1, [3, 3], [2, 2], "same", use_bias=False, name="c")
        with torch.no_grad():
            layer.weight.fill_(1.0)
        return layer(ramp(h, w))[0, 0]

    def test_5x5_ramp_3x3_ones_stride_2_pads_one_each_side(self):
        out = self.conv(5, 5)
        self.assertEqual(list(out.shape), [3, 3])
        rows = [[0, 1], [1, 2, 3], [3, 4]]  # windows centred at 0, 2, 4 (padding 1 before, 1 after)
        for a in range(3):
            for b in range(3):
                self.assertEqual(out[a, b].item(), window_sum(5, rows[a], rows[b]))
        self.assertEqual(out[0, 0].item(), 12.0)

    def test_4x4_ramp_stride_2_pads_only_after_as_tensorflow(self):
        out = self.conv(4, 4)
        self.assertEqual(list(out.shape), [2, 2])
        rows = [[0, 1, 2], [2, 3]]  # total padding 1: none before, one after
        for a in range(2):
            for b in range(2):
                self.assertEqual(out[a, b].item(), window_sum(4, rows[a], rows[b]))
        # PyTorch's symmetric padding=1 would centre the first window on row 0 instead.
        self.assertNotEqual(out[0, 0].item(), window_sum(4, [0, 1], [0, 1]))

    def test_conv_transpose_same_gives_n_times_stride_and_crops_the_top_left(self):
        layer = gs.Conv2dTranspose(1, 1, [3, 3], [2, 2], "same", use_bias=False, name="t")
        with torch.no_grad():
            layer.weight.copy_(torch.arange(9, dtype=torch.float32).reshape(1, 1, 3, 3))
        out = layer(torch.ones(1, 1, 1, 1))[0, 0]
        self.assertEqual(out.tolist(), [[0.0, 1.0], [3.0, 4.0]])
        out = layer(torch.ones(1, 1, 2, 2))[0, 0]
        self.assertEqual(list(out.shape), [4, 4])
        # out[o] = sum_n K[o - 2n]: row/col o=2 gets K[2] from n=0 and K[0] from n=1.
        k = [[3 * i + j for j in range(3)] for i in range(3)]
        taps = {0: [0], 1: [1], 2: [2, 0], 3: [1]}
        for i in range(4):
            for j in range(4):
                self.assertEqual(out[i, j].item(), sum(k[a][b] for a in taps[i] for b in taps[j]))


class BatchNorm(unittest.TestCase):
    def test_keras_momentum_biased_variance_and_epsilon(self):
        bn = gs.BatchNormalization(2, momentum=0.8, name="bn")
        x = torch.tensor([[1.0, 10.0], [3.0, 20.0], [5.0, 30.0], [7.0, 40.0]])
        bn.train()
        y = bn(x)
        mean, var = [4.0, 25.0], [5.0, 125.0]  # biased (population) variances
        for c in range(2):
            self.assertAlmostEqual(bn.moving_mean[c].item(), 0.2 * mean[c], places=5)
            self.assertAlmostEqual(bn.moving_variance[c].item(), 0.8 * 1.0 + 0.2 * var[c], places=4)
            for i in range(4):
                self.assertAlmostEqual(y[i, c].item(), (x[i, c].item() - mean[c]) / math.sqrt(var[c] + 1e-3), places=5)
        bn.eval()
        z = bn(x)
        self.assertAlmostEqual(z[0, 0].item(), (1.0 - 0.8) / math.sqrt(1.8 + 1e-3), places=5)

    def test_images_normalise_per_channel_axis_1(self):
        bn = gs.BatchNormalization(2, momentum=0.5, name="bn")
        x = torch.zeros(2, 2, 1, 1)
        x[:, 0] = torch.tensor([[[1.0]], [[3.0]]])
        x[:, 1] = torch.tensor([[[10.0]], [[10.0]]])
        bn.train()
        bn(x)
        self.assertEqual(bn.moving_mean.tolist(), [1.0, 5.0])
        self.assertEqual(bn.moving_variance.tolist(), [1.0, 0.5])

    def test_gradients_of_the_fused_kernel_match_the_formula(self):
        # Training goes through torch's fused batch norm; its gradients (x, gamma, beta) equal
        # those of the written-out Keras formula (x - mean) / sqrt(var + eps) * gamma + beta.
        g = torch.Generator().manual_seed(3)
        x = torch.randn(4, 3, 2, 2, generator=g, dtype=torch.float64)
        w = torch.randn(4, 3, 2, 2, generator=g, dtype=torch.float64)
        bn = gs.BatchNormalization(3, momentum=0.8, name="bn").double()
        with torch.no_grad():
            bn.gamma.copy_(torch.tensor([0.5, 1.5, -2.0]))
            bn.beta.copy_(torch.tensor([0.1, 0.0, -0.3]))
        bn.train()
        xa = x.clone().requires_grad_(True)
        fused = torch.autograd.grad((bn(xa) * w).sum(), [xa, bn.gamma, bn.beta])
        xb = x.clone().requires_grad_(True)
        var, mean = torch.var_mean(xb, [0, 2, 3], unbiased=False, keepdim=True)
        y = (xb - mean) / torch.sqrt(var + 1e-3) * bn.gamma.view(1, -1, 1, 1) + bn.beta.view(1, -1, 1, 1)
        formula = torch.autograd.grad((y * w).sum(), [xb, bn.gamma, bn.beta])
        for a, b in zip(fused, formula):
            self.assertLess((a - b).abs().max().item(), 1e-10)

    def test_one_value_per_channel_gives_beta_and_a_zero_variance(self):
        # Batch 1 of a dense layer's output: Keras normalises to 0 (x - mean = 0), so y = beta,
        # and the moving variance moves toward 0: 0.8 * 1 + 0.2 * 0.
        bn = gs.BatchNormalization(2, momentum=0.8, name="bn")
        with torch.no_grad():
            bn.beta.copy_(torch.tensor([0.25, -1.0]))
        bn.train()
        y = bn(torch.tensor([[3.0, -7.0]]))
        self.assertEqual(y.tolist(), [[0.25, -1.0]])
        self.assertAlmostEqual(bn.moving_mean[0].item(), 0.6, places=6)
        self.assertAlmostEqual(bn.moving_mean[1].item(), -1.4, places=6)
        self.assertAlmostEqual(bn.moving_variance[0].item(), 0.8, places=6)


class Layouts(unittest.TestCase):
    def test_flatten_is_nhwc_order(self):
        x = torch.arange(8, dtype=torch.float32).reshape(1, 2, 2, 2)  # [n, c, h, w]
        # NHWC order: (h, w, c) with c fastest: x[c][h][w] = 4c + 2h + w
        expected = [4 * c + 2 * h + w for h in range(2) for w in range(2) for c in range(2)]
        self.assertEqual(gs.Flatten(name="f")(x)[0].tolist(), expected)

    def test_reshape_to_image_reads_nhwc_and_comes_out_nchw(self):
        v = torch.arange(8, dtype=torch.float32).reshape(1, 8)
        y = gs.Reshape([2, 2, 2], name="r")(v)  # tfjs [h, w, c]: value index = 4h + 2w + c
        for c in range(2):
            for h in range(2):
                for w in range(2):
                    self.assertEqual(y[0, c, h, w].item(), 4 * h + 2 * w + c)
        self.assertEqual(gs.Flatten(name="f")(y)[0].tolist(), v[0].tolist())
        self.assertTrue(y.is_contiguous())  # NCHW in memory, not a channels-last view

    def test_zero_padding_and_upsampling(self):
        x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        self.assertEqual(gs.ZeroPadding2d([[0, 1], [0, 1]], name="z")(x)[0, 0].tolist(), [[1, 2, 0], [3, 4, 0], [0, 0, 0]])
        self.assertEqual(gs.UpSampling2d([2, 2], name="u")(x)[0, 0].tolist(), [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])

    def test_upsampled_convolution_is_upsampling_then_convolution(self):
        # The compiler's fold (compiler/emit-torch/fold.ts): Conv2d.forward_upsampled(x) computes
        # conv(upsample_x2(x)) at x's resolution; outputs and all three gradients agree to rounding.
        torch.manual_seed(3)
        for kernel, shape, activation in [([3, 3], (2, 3, 4, 6), "relu"), ([4, 4], (2, 3, 5, 3), None), ([5, 2], (1, 2, 3, 4), "tanh"), ([3, 3], (1, 2, 1, 1), None)]:
            conv = gs.Conv2d(shape[1], 4, kernel, [1, 1], "same", activation=activation, name="c")
            with torch.no_grad():
                conv.bias.normal_()
            x = torch.randn(*shape, requires_grad=True)
            plain = conv(gs.UpSampling2d([2, 2], name="u")(x))
            folded = conv.forward_upsampled(x)
            self.assertEqual(folded.shape, plain.shape)
            self.assertLess((folded - plain).abs().max().item(), 1e-5, kernel)
            dy = torch.randn_like(plain)
            for a, b in zip(torch.autograd.grad(plain, (x, conv.weight, conv.bias), dy), torch.autograd.grad(folded, (x, conv.weight, conv.bias), dy)):
                self.assertLess((a - b).abs().max().item(), 1e-4 * max(1.0, a.abs().max().item()), kernel)
        with self.assertRaisesRegex(ValueError, "c: forward_upsampled needs a 'same' convolution of stride 1"):
            gs.Conv2d(2, 2, [3, 3], [2, 2], "same", name="c").forward_upsampled(torch.zeros(1, 2, 4, 4))


class DropoutAndInit(unittest.TestCase):
    def test_dropout_rate_and_inverted_scaling(self):
        g = torch.manual_seed(0)
        layer = gs.Dropout(0.25, name="d")
        layer.train()
        y = layer(torch.ones(200000))
        zeros = (y == 0).float().mean().item()
        self.assertLess(abs(zeros - 0.25), 0.005)
        self.assertAlmostEqual(y[y != 0].unique().tolist()[0], 1 / 0.75, places=6)
        x = torch.ones(1000, requires_grad=True)
        y = layer(x)
        (grad,) = torch.autograd.grad(y.sum(), x)
        self.assertEqual(grad.tolist(), y.tolist())  # the gradient goes through the kept elements, scaled alike
        layer.eval()
        self.assertEqual(layer(torch.ones(10)).tolist(), [1.0] * 10)
        layer.train()
        gs.set_dropout_enabled(False)
        try:
            self.assertEqual(layer(torch.ones(10)).tolist(), [1.0] * 10)
        finally:
            gs.set_dropout_enabled(True)
        del g

    def test_glorot_uniform_limit_and_zero_bias(self):
        layer = gs.Conv2d(4, 8, [3, 3], name="c")
        layer.reset_parameters(torch.Generator().manual_seed(1))
        limit = math.sqrt(6 / (4 * 9 + 8 * 9))
        self.assertLessEqual(layer.weight.abs().max().item(), limit)
        self.assertGreater(layer.weight.abs().max().item(), 0.9 * limit)
        self.assertEqual(layer.bias.abs().sum().item(), 0.0)


class SpectralNorm(unittest.TestCase):
    def test_sigma_of_a_diagonal_kernel_and_u_a_buffer(self):
        layer = gs.SpectralNorm("dense", 2, 2, name="sn")
        with torch.no_grad():
            layer.weight.copy_(torch.tensor([[3.0, 0.0], [0.0, 1.0]]))
            layer.u.copy_(torch.tensor([1.0, 1.0]))
        layer.train()
        for _ in range(30):
            w = layer.normalized_weight()
        self.assertAlmostEqual(w[0, 0].item(), 1.0, places=5)  # sigma -> 3, the largest singular value
        self.assertIn("u", dict(layer.named_buffers()))
        layer.eval()
        u = layer.u.clone()
        layer.normalized_weight()
        self.assertTrue(torch.equal(u, layer.u))


if __name__ == "__main__":
    unittest.main()
