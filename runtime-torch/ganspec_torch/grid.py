"""Sample-grid pictures as runtime/images/ draws them: images tiled row-major with a 2-pixel
white border (grid.ts), or, for 2-channel outputs (2-D points), a 256x256 scatter plot
(scatter.ts). Pixels are computed in float64 and rounded half up, as JavaScript does.

May import: torch and the standard library.
"""
from __future__ import annotations

import torch

BORDER = 255


def _round_half_up(x: torch.Tensor) -> torch.Tensor:
    return torch.floor(x + 0.5)


def grid_image(images: torch.Tensor, rows: int, cols: int, value_range: list[float], pad: int = 2) -> tuple[bytes, int, int, int]:
    """(pixels, width, height, channels) of NCHW `images` in a rows x cols grid; cell (r, c) shows
    image r * cols + c; values map linearly from `value_range` to 0..255, clamped."""
    n, channels, h, w = images.shape
    if channels not in (1, 3):
        raise ValueError(f"grid_image: images need 1 or 3 channels, got {channels}")
    width, height = cols * w + (cols + 1) * pad, rows * h + (rows + 1) * pad
    out = torch.full((height, width, channels), BORDER, dtype=torch.uint8)
    lo, hi = value_range
    values = images.detach().to("cpu", torch.float32).double().permute(0, 2, 3, 1)
    pixels = _round_half_up((values - lo) * (255 / (hi - lo))).clamp(0, 255).to(torch.uint8)
    for i in range(min(n, rows * cols)):
        top, left = pad + (i // cols) * (h + pad), pad + (i % cols) * (w + pad)
        out[top:top + h, left:left + w] = pixels[i]
    return bytes(out.flatten().tolist()), width, height, channels


def scatter_image(points: torch.Tensor, size: int = 256, extent: float = 3.0) -> tuple[bytes, int, int, int]:
    """A grey scatter plot of [n, 2, 1, 1] points: white ground, grey axes, 3x3 dark dots."""
    data = torch.full((size, size), 255, dtype=torch.uint8)

    def to_pixel(v: torch.Tensor) -> torch.Tensor:
        return _round_half_up((v + extent) / (2 * extent) * (size - 1)).long()

    mid = int(to_pixel(torch.tensor(0.0, dtype=torch.float64)))
    data[mid, :] = 200
    data[:, mid] = 200
    xy = points.detach().to("cpu", torch.float32).double().reshape(-1, 2)
    px, py = to_pixel(xy[:, 0]), size - 1 - to_pixel(xy[:, 1])
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            x, y = px + dx, py + dy
            inside = (x >= 0) & (x < size) & (y >= 0) & (y < size)
            data[y[inside], x[inside]] = 0
    return bytes(data.flatten().tolist()), size, size, 1
