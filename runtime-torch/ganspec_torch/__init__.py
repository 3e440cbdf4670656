"""ganspec_torch: the runtime that generated PyTorch modules (gan-compile --target torch) import
as `gs`. This file only names the package's parts, each loaded from its module on first use (PEP
562), so that importing the package does not import torch: `python3 -m ganspec_torch train`
(__main__.py) takes Ctrl-C as a request to stop before torch has loaded. Imports the standard
library and, when a name is used, the package's own modules."""
from __future__ import annotations

import importlib

_PARTS = {
    "allocator": ["keep_freed_memory"],
    "layers": ["Activation", "Add", "BatchNormalization", "Concatenate", "Conv2d", "Conv2dTranspose", "Dense", "Dropout", "Embedding",
               "Flatten", "InstanceNormalization", "LeakyReLU", "Multiply", "Reshape", "SpectralNorm", "UpSampling2d", "ZeroPadding2d",
               "call", "set_dropout_enabled"],
    "ops": ["as_scalar", "augment_with", "bce", "bce_logits", "ce", "ce_logits", "diff_augment", "dot", "draw_augment", "grad",
            "gradient_penalty", "l1", "mse", "nchw_operand", "norm", "normal_like", "onehot", "reduce", "set_draw_hook",
            "set_random_source", "sqnorm", "uniform_like"],
    "optim": ["SGD", "Adam", "RMSprop", "learning_rate", "make_optimizer"],
    "step": ["Model", "build", "cycle", "start_ema", "update_ema", "update_once"],
    "tfjs_layout": ["load_tfjs_weights", "tfjs_weights", "trainable_weights"],
    "trainer": ["Batch", "CheckpointSettings", "Ema", "Hyperparameters", "LinearDecay", "Nets", "OptimizerSettings", "Phase",
                "PhaseSettings", "Preview", "PreviewBand", "RealInput", "Sample", "Trainer", "Update"],
    # The training side (T-loop): data sources, random inputs, the loop and its files.
    "data": ["DataSource", "load_data"],
    "errors": ["UserError"],
    "sampling": ["draw_sampled", "grid_inputs"],
}
# No module may share a name listed here: importing a module binds its name on the package.
_MODULE_OF = {name: module for module, names in _PARTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
