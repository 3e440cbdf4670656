"""The layers of generated networks, with Keras/TensorFlow.js semantics rather than PyTorch's
defaults: TensorFlow's 'same' padding (the smaller half before, asymmetric where it must be),
conv-transpose 'same' giving n * stride, batch norm with Keras momentum and epsilon (1e-3) and
the biased batch variance in its moving average, Glorot-uniform kernels and zero biases drawn from
a given torch.Generator, flatten and reshape in NHWC order on NCHW tensors, spectral norm with one
power iteration per training call (u a buffer), instance norm as runtime/ops/instance-norm.ts.
Each layer knows its tfjs name and lists its weights in tfjs order and layout (tfjs_layout.py
reads them). Images are NCHW here; "the channel axis" is 1 for rank-4 tensors, the last otherwise.
Imports the standard library and torch only."""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

_dropout_enabled = True


def set_dropout_enabled(enabled: bool) -> None:
    """Turns every Dropout layer off (False: the identity, also in training) or back on."""
    global _dropout_enabled
    _dropout_enabled = enabled


def call(net: nn.Module, *args: Tensor, training: bool) -> Tensor:
    """A network applied in training mode (batch statistics, dropout, a power iteration) or not."""
    if net.training != training:
        net.train(training)
    return net(*args)


def channel_dim(x: Tensor) -> int:
    return 1 if x.dim() == 4 else x.dim() - 1


def activate(x: Tensor, activation: Optional[str]) -> Tensor:
    """A Keras activation by name; softmax along the channel axis (tfjs's last axis)."""
    if activation is None or activation == "linear":
        return x
    if activation == "relu":
        return torch.relu(x)
    if activation == "tanh":
        return torch.tanh(x)
    if activation == "sigmoid":
        return torch.sigmoid(x)
    if activation == "softmax":
        return torch.softmax(x, dim=channel_dim(x))
    if activation == "elu":
        return F.elu(x)
    if activation == "selu":
        return F.selu(x)
    if activation == "softplus":
        return F.softplus(x)
    raise ValueError(f"unknown activation '{activation}'")


def same_padding(size: int, kernel: int, stride: int) -> Tuple[int, int]:
    """TensorFlow's 'same' padding of one axis: total max((ceil(n/s)-1)*s + k - n, 0), the smaller half before."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def glorot_uniform_(w: Tensor, fan_in: int, fan_out: int, generator: Optional[torch.Generator]) -> None:
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        w.uniform_(-limit, limit, generator=generator)


class Layer(nn.Module):
    """A layer with a tfjs name; its weights as (tfjs suffix, tensor, trainable, layout)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.tfjs_name = name

    def weight_specs(self) -> List[Tuple[str, Tensor, bool, str]]:
        """(suffix, tensor, trainable, layout): layout 'dense' | 'conv' | 'deconv' | '' (as is)."""
        return []

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        pass


class Dense(Layer):
    """tf.layers.dense: the kernel is tfjs's [in, out] transposed (torch's [out, in])."""

    def __init__(self, in_features: int, units: int, activation: Optional[str] = None, use_bias: bool = True, *, name: str) -> None:
        super().__init__(name)
        self.activation = activation
        self.weight = nn.Parameter(torch.empty(units, in_features))
        self.bias = nn.Parameter(torch.zeros(units)) if use_bias else None
        self.reset_parameters()

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        glorot_uniform_(self.weight, self.weight.shape[1], self.weight.shape[0], generator)
        if self.bias is not None:
            with torch.no_grad():
                self.bias.zero_()

    def weight_specs(self):
        return [("kernel", self.weight, True, "dense")] + ([("bias", self.bias, True, "")] if self.bias is not None else [])

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() == 4:  # along the channels of an image, as tfjs's last axis
            y = F.linear(x.permute(0, 2, 3, 1), self.weight, self.bias).permute(0, 3, 1, 2)
        else:
            y = F.linear(x, self.weight, self.bias)
        return activate(y, self.activation)


def _pair(v: Sequence[int]) -> Tuple[int, int]:
    return int(v[0]), int(v[1])


class _Convolution(Layer):
    """What conv2d and conv2d_transpose share: kernel, strides, 'same'/'valid', activation, bias,
    Glorot-uniform kernels over the tfjs kernel's fans. Subclasses name the torch weight's layout."""

    #: tfjs_layout.py's layout kind of the kernel.
    kind = ""

    def __init__(self, in_channels: int, filters: int, kernel_size: Sequence[int], strides: Sequence[int] = (1, 1), padding: str = "same",
                 activation: Optional[str] = None, use_bias: bool = True, *, name: str) -> None:
        super().__init__(name)
        self.kernel_size = _pair(kernel_size)
        self.strides = _pair(strides)
        self.padding = padding
        self.activation = activation
        self.weight = nn.Parameter(torch.empty(*self.weight_channels(in_channels, filters), *self.kernel_size))
        self.bias = nn.Parameter(torch.zeros(filters)) if use_bias else None
        self.reset_parameters()

    def weight_channels(self, in_channels: int, filters: int) -> Tuple[int, int]:
        raise NotImplementedError

    def fans(self) -> Tuple[int, int]:
        """The tfjs kernel's (fan in, fan out)."""
        raise NotImplementedError

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        glorot_uniform_(self.weight, *self.fans(), generator)
        if self.bias is not None:
            with torch.no_grad():
                self.bias.zero_()

    def weight_specs(self):
        return [("kernel", self.weight, True, self.kind)] + ([("bias", self.bias, True, "")] if self.bias is not None else [])


class Conv2d(_Convolution):
    """tf.layers.conv2d on NCHW: 'same' is TensorFlow's (an explicit F.pad where asymmetric)."""

    kind = "conv"

    def weight_channels(self, in_channels: int, filters: int) -> Tuple[int, int]:
        return filters, in_channels

    def fans(self) -> Tuple[int, int]:
        out_c, in_c, kh, kw = self.weight.shape
        return in_c * kh * kw, out_c * kh * kw

    def forward(self, x: Tensor) -> Tensor:
        return activate(conv2d_same(x, self.weight, self.bias, self.strides, self.padding), self.activation)

    def forward_upsampled(self, x: Tensor) -> Tensor:
        """This layer applied to x upsampled by nearest x2, without the upsampled tensor. Output
        pixel (2i + a, 2j + b) of a stride-1 'same' convolution of the upsampled input reads kernel
        taps that fall on the same input pixel in pairs, so each of the four (a, b) phases is a
        smaller convolution of x at x's resolution with those taps added (a 3x3 kernel: four 2x2
        ones, 16 taps per input pixel instead of 36; 4x4: 25 instead of 64). The same function up
        to float32 rounding (merged taps are summed first). The compiler calls it for a conv2d of
        stride 1 and 'same' padding whose input is a 2x nearest upsampling used by nothing else."""
        if self.strides != (1, 1) or self.padding != "same":
            raise ValueError(f"{self.tfjs_name}: forward_upsampled needs a 'same' convolution of stride 1")
        n, _, h, w = x.shape
        rows, cols = (_upsampled_phases(k) for k in self.kernel_size)
        top, bottom = max(-first for first, _ in rows), max(first + m.shape[0] - 1 for first, m in rows)
        left, right = max(-first for first, _ in cols), max(first + m.shape[0] - 1 for first, m in cols)
        padded = F.pad(x, (left, right, top, bottom))
        weight = self.weight
        phases = [[F.conv2d(padded[:, :, r0 + top:r0 + top + h + mr.shape[0] - 1, c0 + left:c0 + left + w + mc.shape[0] - 1],
                            torch.einsum("pk,oikl,ql->oipq", mr.to(weight), weight, mc.to(weight)), self.bias)
                   for c0, mc in cols] for r0, mr in rows]
        # out[n, c, 2i + a, 2j + b] = phases[a][b][n, c, i, j]
        y = torch.stack([torch.stack(row, dim=-1) for row in phases], dim=3).reshape(n, -1, 2 * h, 2 * w)
        return activate(y, self.activation)


def conv2d_same(x: Tensor, weight: Tensor, bias: Optional[Tensor], strides: Tuple[int, int], padding: str) -> Tensor:
    if padding == "valid":
        return F.conv2d(x, weight, bias, strides)
    (kh, kw), (sh, sw) = weight.shape[2:], strides
    top, bottom = same_padding(x.shape[2], kh, sh)
    left, right = same_padding(x.shape[3], kw, sw)
    if top == bottom and left == right:
        return F.conv2d(x, weight, bias, strides, (top, left))
    return F.conv2d(F.pad(x, (left, right, top, bottom)), weight, bias, strides)


def conv2d_transpose_same(x: Tensor, weight: Tensor, bias: Optional[Tensor], strides: Tuple[int, int], padding: str) -> Tensor:
    """tf conv2dTranspose: the gradient of a conv2d whose input is n*s ('same') or n*s + max(k-s, 0) ('valid')."""
    (kh, kw), (sh, sw) = weight.shape[2:], strides
    n_h, n_w = x.shape[2], x.shape[3]
    y = F.conv_transpose2d(x, weight, None, strides)  # (n-1)*s + k along each axis
    out_h = n_h * sh + (max(kh - sh, 0) if padding == "valid" else 0)
    out_w = n_w * sw + (max(kw - sw, 0) if padding == "valid" else 0)
    top = same_padding(out_h, kh, sh)[0] if padding == "same" else 0
    left = same_padding(out_w, kw, sw)[0] if padding == "same" else 0
    y = y[:, :, top:top + out_h, left:left + out_w]
    if y.shape[2] < out_h or y.shape[3] < out_w:  # kernel smaller than the stride: zeros after
        y = F.pad(y, (0, out_w - y.shape[3], 0, out_h - y.shape[2]))
    return y if bias is None else y + bias.view(1, -1, 1, 1)


def _upsampled_phases(kernel: int) -> List[Tuple[int, Tensor]]:
    """Along one axis of a stride-1 'same' convolution (TensorFlow's: the smaller half of the
    padding before) of a 2x nearest-upsampled input, per output phase a (output 2i + a): the
    offset of the first input pixel it reads from i, and the 0/1 matrix [taps, kernel] that adds
    the kernel's taps reading the same input pixel: tap t reads input i + (a + t - before) // 2."""
    before = (kernel - 1) // 2
    phases = []
    for a in (0, 1):
        offsets = [(a + t - before) // 2 for t in range(kernel)]
        merge = torch.zeros(offsets[-1] - offsets[0] + 1, kernel)
        for t, offset in enumerate(offsets):
            merge[offset - offsets[0], t] = 1.0
        phases.append((offsets[0], merge))
    return phases


class Conv2dTranspose(_Convolution):
    """tf.layers.conv2dTranspose: torch weight [in, out, kh, kw]; tfjs kernel [kh, kw, out, in]."""

    kind = "deconv"

    def weight_channels(self, in_channels: int, filters: int) -> Tuple[int, int]:
        return in_channels, filters

    def fans(self) -> Tuple[int, int]:
        in_c, out_c, kh, kw = self.weight.shape
        return out_c * kh * kw, in_c * kh * kw

    def forward(self, x: Tensor) -> Tensor:
        return activate(conv2d_transpose_same(x, self.weight, self.bias, self.strides, self.padding), self.activation)


class BatchNormalization(Layer):
    """Keras batch norm: training normalises by the batch mean and biased variance and moves
    moving = moving - (moving - batch) * (1 - momentum) (Keras momentum 0.99 by default)."""

    def __init__(self, channels: int, momentum: float = 0.99, epsilon: float = 1e-3, *, name: str) -> None:
        super().__init__(name)
        self.momentum = momentum
        self.epsilon = epsilon
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_variance", torch.ones(channels))

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        with torch.no_grad():
            self.gamma.fill_(1.0)
            self.beta.zero_()
            self.moving_mean.zero_()
            self.moving_variance.fill_(1.0)

    def weight_specs(self):
        return [("gamma", self.gamma, True, ""), ("beta", self.beta, True, ""),
                ("moving_mean", self.moving_mean, False, ""), ("moving_variance", self.moving_variance, False, "")]

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() not in (2, 4):  # [batch, ..., features]: normalise along the last axis
            return self.forward(x.reshape(-1, x.shape[-1])).reshape(x.shape)
        if self.training:
            count = x.numel() // x.shape[1]
            if count > 1:
                # Normalised by the batch mean and biased variance, as Keras, in torch's fused
                # kernel (one pass for the statistics, one fused backward). Its running buffers,
                # fresh zeros with momentum 1, receive the batch mean and the UNBIASED variance
                # (torch's convention), scaled back to the biased one for the moving average.
                mean = torch.zeros_like(self.moving_mean)
                var = torch.zeros_like(self.moving_variance)
                y = F.batch_norm(x, mean, var, self.gamma, self.beta, True, 1.0, self.epsilon)
                var = var * ((count - 1) / count)  # not in place: the backward holds the buffer
            else:  # one value per channel (torch's kernel refuses it): x - mean = 0, var = 0
                dims = [0] if x.dim() == 2 else [0, 2, 3]
                var, mean = torch.var_mean(x, dims, unbiased=False)
                shape = [1, -1] if x.dim() == 2 else [1, -1, 1, 1]
                inv = torch.rsqrt(var + self.epsilon) * self.gamma
                y = (x - mean.view(shape)) * inv.view(shape) + self.beta.view(shape)
            with torch.no_grad():
                decay = 1.0 - self.momentum
                self.moving_mean.sub_((self.moving_mean - mean) * decay)
                self.moving_variance.sub_((self.moving_variance - var) * decay)
            return y
        return F.batch_norm(x, self.moving_mean, self.moving_variance, self.gamma, self.beta, False, 0.0, self.epsilon)


class InstanceNormalization(Layer):
    """Each example's channels normalised over height and width, then gamma * x + beta."""

    def __init__(self, channels: int, epsilon: float = 1e-3, *, name: str) -> None:
        super().__init__(name)
        self.epsilon = epsilon
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        with torch.no_grad():
            self.gamma.fill_(1.0)
            self.beta.zero_()

    def weight_specs(self):
        return [("gamma", self.gamma, True, ""), ("beta", self.beta, True, "")]

    def forward(self, x: Tensor) -> Tensor:
        var, mean = torch.var_mean(x, (2, 3), unbiased=False, keepdim=True)
        y = (x - mean) / torch.sqrt(var + self.epsilon)
        return y * self.gamma.view(1, -1, 1, 1) + self.beta.view(1, -1, 1, 1)


class LeakyReLU(Layer):
    def __init__(self, alpha: float = 0.3, *, name: str) -> None:
        super().__init__(name)
        self.alpha = alpha

    def forward(self, x: Tensor) -> Tensor:
        return F.leaky_relu(x, self.alpha)


class Activation(Layer):
    def __init__(self, activation: str, *, name: str) -> None:
        super().__init__(name)
        self.activation = activation

    def forward(self, x: Tensor) -> Tensor:
        return activate(x, self.activation)


class Dropout(Layer):
    """Inverted dropout at `rate` in training (off everywhere after set_dropout_enabled(False))."""

    def __init__(self, rate: float, *, name: str) -> None:
        super().__init__(name)
        self.rate = rate

    def forward(self, x: Tensor) -> Tensor:
        if not (self.training and _dropout_enabled) or self.rate == 0:
            return x
        # The mask from one uniform draw per element, kept where u >= rate: torch's CPU
        # bernoulli_ takes twice as long here (measured: 3.2 against 1.7 ms for 200k elements).
        mask = (torch.rand_like(x) >= self.rate).to(x.dtype).mul_(1.0 / (1.0 - self.rate))
        return x * mask


class Embedding(Layer):
    """tf.layers.embedding: int labels -> rows of [input_dim, output_dim], uniform(-0.05, 0.05)."""

    def __init__(self, input_dim: int, output_dim: int, *, name: str) -> None:
        super().__init__(name)
        self.embeddings = nn.Parameter(torch.empty(input_dim, output_dim))
        self.reset_parameters()

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        with torch.no_grad():
            self.embeddings.uniform_(-0.05, 0.05, generator=generator)

    def weight_specs(self):
        return [("embeddings", self.embeddings, True, "")]

    def forward(self, x: Tensor) -> Tensor:
        return F.embedding(x.long(), self.embeddings)


class Flatten(Layer):
    """Flattens each example in NHWC order (an image is permuted to NHWC first), as tfjs."""

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        return x.reshape(x.shape[0], -1)


class Reshape(Layer):
    """Reshapes each example to `target_shape` in tfjs terms (NHWC order); [h, w, c] comes out NCHW."""

    def __init__(self, target_shape: Sequence[int], *, name: str) -> None:
        super().__init__(name)
        self.target_shape = [int(d) for d in target_shape]

    def forward(self, x: Tensor) -> Tensor:
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        y = x.reshape(x.shape[0], *self.target_shape)
        # contiguous NCHW: left as a permuted view it is channels-last, which every later
        # layer would inherit (measured slower for the generators' convolutions on CPU)
        return y.permute(0, 3, 1, 2).contiguous() if y.dim() == 4 else y


class Concatenate(Layer):
    """Joins inputs along the channel axis (tfjs's last axis)."""

    def forward(self, *xs: Tensor) -> Tensor:
        return torch.cat(xs, dim=channel_dim(xs[0]))


class Multiply(Layer):
    def forward(self, *xs: Tensor) -> Tensor:
        y = xs[0]
        for x in xs[1:]:
            y = y * x
        return y


class Add(Layer):
    def forward(self, *xs: Tensor) -> Tensor:
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y


class UpSampling2d(Layer):
    """Nearest-neighbour upsampling by whole factors: out[i] = in[i // s]."""

    def __init__(self, size: Sequence[int], *, name: str) -> None:
        super().__init__(name)
        self.size = _pair(size)

    def forward(self, x: Tensor) -> Tensor:
        return F.interpolate(x, scale_factor=self.size, mode="nearest")


class ZeroPadding2d(Layer):
    """Zeros around an image: padding [[top, bottom], [left, right]]."""

    def __init__(self, padding: Sequence[Sequence[int]], *, name: str) -> None:
        super().__init__(name)
        (self.top, self.bottom), (self.left, self.right) = padding

    def forward(self, x: Tensor) -> Tensor:
        return F.pad(x, (self.left, self.right, self.top, self.bottom))


def _normalize(x: Tensor) -> Tensor:
    return x / torch.clamp(torch.linalg.vector_norm(x), min=1e-12)


class SpectralNorm(Layer):
    """gs.spectralNorm (runtime/ops/spectral-norm.ts): a dense, conv2d or conv2d_transpose layer
    whose kernel is divided by sigma = u'^T W v, u a buffer of length `units`; a training call does
    one power iteration and stores u', an inference call reuses u. u and v carry no gradient."""

    def __init__(self, kind: str, in_features: int, units: int, kernel_size: Sequence[int] = (1, 1), strides: Sequence[int] = (1, 1),
                 padding: str = "same", use_bias: bool = True, *, name: str) -> None:
        super().__init__(name)
        self.kind = kind
        self.strides = _pair(strides)
        self.padding = padding
        kh, kw = _pair(kernel_size)
        shape = {"dense": (units, in_features), "conv2d": (units, in_features, kh, kw), "conv2d_transpose": (in_features, units, kh, kw)}[kind]
        self.weight = nn.Parameter(torch.empty(*shape))
        self.bias = nn.Parameter(torch.zeros(units)) if use_bias else None
        self.register_buffer("u", torch.empty(units))
        self.reset_parameters()

    def reset_parameters(self, generator: Optional[torch.Generator] = None) -> None:
        rf = self.weight[0, 0].numel() if self.kind != "dense" else 1
        out_c = self.matrix().shape[0]
        in_c = self.weight.numel() // (out_c * rf)
        glorot_uniform_(self.weight, in_c * rf, out_c * rf, generator)
        with torch.no_grad():
            self.u.normal_(0.0, 0.05, generator=generator)
            if self.bias is not None:
                self.bias.zero_()

    def weight_specs(self):
        layout = {"dense": "dense", "conv2d": "conv", "conv2d_transpose": "deconv"}[self.kind]
        bias = [("bias", self.bias, True, "")] if self.bias is not None else []
        return [("kernel", self.weight, True, layout)] + bias + [("sn_u", self.u, False, "")]

    def matrix(self) -> Tensor:
        """W as [units, everything else] (rows in any order leave sigma unchanged)."""
        w = self.weight.transpose(0, 1) if self.kind == "conv2d_transpose" else self.weight
        return w.reshape(w.shape[0], -1)

    def normalized_weight(self) -> Tensor:
        w = self.matrix()
        with torch.no_grad():
            fixed = w.detach()
            u0 = _normalize(self.u)
            v = _normalize(fixed.t() @ u0)
            u1 = _normalize(fixed @ v) if self.training else u0
            if self.training:
                self.u.copy_(u1)
        sigma = torch.dot(v, w.t() @ u1)
        return self.weight / sigma

    def forward(self, x: Tensor) -> Tensor:
        w = self.normalized_weight()
        if self.kind == "dense":
            return F.linear(x, w, self.bias)
        if self.kind == "conv2d":
            return conv2d_same(x, w, self.bias, self.strides, self.padding)
        return conv2d_transpose_same(x, w, self.bias, self.strides, self.padding)


def gs_layers(module: nn.Module) -> List[Layer]:
    """The module's layers in registration order (the emitter registers them in tfjs order)."""
    return [m for m in module.children() if isinstance(m, Layer)]
