"""ganspec_torch: the runtime that generated PyTorch modules (gan-compile --target torch) import
as `gs`. This file only re-exports the package's parts; imports the package's own modules."""
from .allocator import keep_freed_memory
from .layers import (Activation, Add, BatchNormalization, Concatenate, Conv2d, Conv2dTranspose, Dense, Dropout, Embedding, Flatten,
                     InstanceNormalization, LeakyReLU, Multiply, Reshape, SpectralNorm, UpSampling2d, ZeroPadding2d, call,
                     set_dropout_enabled)
from .ops import (as_scalar, augment_with, bce, bce_logits, ce, ce_logits, diff_augment, dot, draw_augment, grad, gradient_penalty, l1,
                  mse, nchw_operand, norm, normal_like, onehot, reduce, set_draw_hook, set_random_source, sqnorm, uniform_like)
from .optim import SGD, Adam, RMSprop, learning_rate, make_optimizer
from .step import Model, build, cycle, start_ema, update_ema, update_once
from .tfjs_weights import load_tfjs_weights, tfjs_weights, trainable_weights
from .trainer import (Batch, CheckpointSettings, Ema, Hyperparameters, LinearDecay, Nets, OptimizerSettings, Phase, PhaseSettings, Preview,
                      PreviewBand, RealInput, Sample, Trainer, Update)
# The training side (T-loop): data sources, random inputs, the loop and its files.
from .data import DataSource, load_data
from .errors import UserError
from .sampling import draw_sampled, grid_inputs
