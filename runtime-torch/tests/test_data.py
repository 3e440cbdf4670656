"""The training side's data and pictures against hand values: PNG reading (each row filter,
alpha dropped, kinds refused in one line) and writing (tEXt chunks), IDX files (plain, gzipped,
truncated), a source's identity (the examples within data.limit), a batch's scaling, padding
and channels, the ring, image folders' classes, MNIST's domain pair, held grid inputs, and the
sample grid's pixels. Run by test/torch-runtime.test.ts.
Imports torch and ganspec_torch."""
import gzip
import math
import os
import struct
import tempfile
import unittest
import zlib
from types import SimpleNamespace

import torch

from ganspec_torch.data import ImageSet, default_mnist_dir, image_batch, load_data, read_idx, read_mnist_layout
from ganspec_torch.errors import UserError
from ganspec_torch.grid import grid_image
from ganspec_torch.png import encode_png, png_text, read_png
from ganspec_torch.sampling import draw_sampled, grid_inputs

torch.set_num_threads(1)


def raw_png(width, height, color, rows, depth=8):
    """A PNG whose IDAT holds `rows` (each a filter byte then the filtered bytes) as given."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")


class Png(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def file(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_each_row_filter_decodes_to_the_pixels(self):
        # Grey 3x4; rows 10 20 30 / 40 50 60 / 70 80 90 / 15 25 35 written with filters None, Sub, Up and Average.
        average = [15 - (0 + 70) // 2, 25 - (15 + 80) // 2, 35 - (25 + 90) // 2]  # left and up, halved
        rows = [
            bytes([0, 10, 20, 30]),
            bytes([1, 40, 10, 10]),              # Sub: 40, 40+10, 50+10
            bytes([2, 30, 30, 30]),              # Up: 40+30, 50+30, 60+30
            bytes([3] + [v & 0xFF for v in average]),
        ]
        data, w, h, c = read_png(self.file("f.png", raw_png(3, 4, 0, rows)))
        self.assertEqual((w, h, c), (3, 4, 1))
        self.assertEqual(list(data), [10, 20, 30, 40, 50, 60, 70, 80, 90, 15, 25, 35])
        # Paeth: for 2x2 grey [[1, 2], [3, 9]]: row 2 predicts 3 from up (1) -> 2, then 9 from left 3, up 2, up-left 1: p = 4, nearest is left (3) -> 6.
        paeth = raw_png(2, 2, 0, [bytes([0, 1, 2]), bytes([4, 2, 6])])
        self.assertEqual(list(read_png(self.file("p.png", paeth))[0]), [1, 2, 3, 9])

    def test_rgba_loses_alpha_and_other_kinds_are_refused(self):
        rgba = raw_png(1, 1, 6, [bytes([0, 1, 2, 3, 255])])
        self.assertEqual(read_png(self.file("a.png", rgba)), (bytes([1, 2, 3]), 1, 1, 3))
        deep = self.file("d.png", raw_png(1, 1, 0, [bytes([0, 0, 1])], depth=16))
        with self.assertRaises(UserError) as e:
            read_png(deep)
        self.assertEqual(str(e.exception), f"{deep}: a 16-bit grey PNG; only 8-bit grey or RGB PNGs (with or without alpha, not interlaced) can be read here (convert it, e.g. with ImageMagick)")

    def test_written_png_reads_back_with_its_text(self):
        pixels = bytes(range(12))
        png = encode_png(pixels, 2, 2, 3, {"Software": "ganspec 0.1.0"})
        self.assertEqual(read_png(self.file("w.png", png)), (pixels, 2, 2, 3))
        self.assertEqual(png_text(png), {"Software": "ganspec 0.1.0"})


class Idx(unittest.TestCase):
    def test_plain_gzipped_and_truncated(self):
        folder = tempfile.mkdtemp()
        body = bytes([0, 0, 8, 3]) + struct.pack(">3I", 2, 1, 2) + bytes([0, 255, 7, 9])
        plain, packed, short = (os.path.join(folder, n) for n in ("a", "b.gz", "c"))
        for path, data in ((plain, body), (packed, gzip.compress(body)), (short, body[:-1])):
            with open(path, "wb") as f:
                f.write(data)
        self.assertEqual(read_idx(plain).tolist(), [[[0, 255]], [[7, 9]]])
        self.assertEqual(read_idx(packed).tolist(), [[[0, 255]], [[7, 9]]])
        with self.assertRaises(UserError) as e:
            read_idx(short)
        self.assertEqual(str(e.exception), f"{short}: truncated IDX file (header [2, 1, 2] needs 20 bytes, file has 19)")


class Batches(unittest.TestCase):
    def test_scaled_padded_nchw(self):
        images = ImageSet(torch.tensor([[[[0], [255]], [[51], [102]]]], dtype=torch.uint8))  # one 2x2 grey image
        x = image_batch(images, torch.tensor([0, 0]), [4, 4, 1], [-1.0, 1.0])
        self.assertEqual(list(x.shape), [2, 1, 4, 4])
        # Centred in 4x4, the rest the background -1; 51 -> 51 * 2/255 - 1 = -0.6.
        self.assertEqual(x[0, 0, 0].tolist(), [-1, -1, -1, -1])
        self.assertAlmostEqual(x[0, 0, 1, 1].item(), -1.0)
        self.assertAlmostEqual(x[0, 0, 1, 2].item(), 1.0)
        self.assertAlmostEqual(x[0, 0, 2, 1].item(), -0.6, places=6)
        rgb = image_batch(images, torch.tensor([0]), [2, 2, 3], [0.0, 1.0])
        self.assertEqual(list(rgb.shape), [1, 3, 2, 2])
        self.assertTrue(torch.equal(rgb[0, 0], rgb[0, 2]))

    def test_ring_points_lie_by_their_modes(self):
        source = load_data({"source": "ring", "image": [1, 1, 2], "range": [-1, 1]}, ".")
        batch = source.batch(256, torch.Generator().manual_seed(3))
        self.assertEqual(list(batch["x"].shape), [256, 2, 1, 1])
        angle = batch["y"].double() * (2 * math.pi / 8)
        centre = torch.stack([2 * angle.cos(), 2 * angle.sin()], 1)
        self.assertLess((batch["x"].reshape(256, 2).double() - centre).abs().max().item(), 0.02 * 6)

    def test_folder_classes_are_sorted_subfolders(self):
        root = tempfile.mkdtemp()
        for name, value in (("b", 200), ("a", 100)):
            os.makedirs(os.path.join(root, name))
            with open(os.path.join(root, name, "0.png"), "wb") as f:
                f.write(encode_png(bytes([value] * 4), 2, 2, 1))
        source = load_data({"source": "folder", "path": root, "image": [2, 2, 1], "range": [0, 1]}, "/")
        self.assertEqual((source.size, source.classes, source.names), (2, 2, ["x", "y"]))
        batch = source.batch(16, torch.Generator().manual_seed(0))
        for x, y in zip(batch["x"], batch["y"]):
            self.assertAlmostEqual(x.max().item(), (100 if y == 0 else 200) / 255, places=6)

    def test_mnist_domains_take_even_plain_and_odd_bold_digits(self):
        digits, _ = read_mnist_layout(default_mnist_dir(), "train", "MNIST")
        source = load_data({"source": "mnist-domains", "image": [28, 28, 1], "range": [0, 1], "limit": 2}, ".")
        self.assertEqual((source.size, source.classes, source.names), (2, None, ["a", "b"]))
        batch = source.batch(32, torch.Generator().manual_seed(0))
        drawn_a = {tuple(x.flatten().tolist()) for x in batch["a"]}
        plain = image_batch(digits, torch.tensor([0, 2]), [28, 28, 1], [0, 1])
        self.assertEqual(drawn_a, {tuple(x.flatten().tolist()) for x in plain})
        odd = image_batch(digits, torch.tensor([1]), [28, 28, 1], [0, 1])
        bold = torch.nn.functional.max_pool2d(odd, 3, stride=1, padding=1)
        self.assertIn(tuple(bold[0].flatten().tolist()), {tuple(x.flatten().tolist()) for x in batch["b"]})
        self.assertGreater(bold.sum().item(), odd.sum().item() * 1.3)

    def test_identity_is_the_examples_within_the_limit(self):
        idx = tempfile.mkdtemp()

        def source(pixels, limit=None):
            file = os.path.join(idx, "images")
            with open(file, "wb") as f:
                f.write(bytes([0, 0, 8, 3]) + struct.pack(">3I", len(pixels), 1, 2) + bytes(p for pair in pixels for p in pair))
            return load_data({"source": "idx", "path": file, "image": [1, 2, 1], "range": [0, 1], "limit": limit}, "/")

        same = source([[0, 255], [7, 9]]).identity()
        self.assertEqual(source([[0, 255], [7, 9]]).identity(), same)
        self.assertNotEqual(source([[0, 255], [7, 8]]).identity(), same)  # one pixel
        self.assertNotEqual(source([[0, 255], [7, 9], [1, 1]]).identity(), same)  # one image more
        self.assertEqual(source([[0, 255], [7, 9], [1, 1]], limit=2).identity(), same)  # beyond data.limit: never drawn
        ring = {"source": "ring", "image": [1, 1, 2], "range": [-1, 1]}
        self.assertEqual(load_data(ring, ".").identity(), load_data(ring, "/").identity())


class Inputs(unittest.TestCase):
    def test_held_labels_take_the_row_and_image_noise_is_nchw(self):
        trainer = SimpleNamespace(samples=[
            SimpleNamespace(name="c", kind="label", size=10, shape=[]),
            SimpleNamespace(name="n", kind="normal", size=784, shape=[28, 28, 1], mean=0.0, std=1.0),
        ])
        g = torch.Generator().manual_seed(0)
        held = grid_inputs(trainer, ["c", "n"], 2, 3, ["c"], ["n"], g)
        self.assertEqual(held["c"].tolist(), [0, 0, 0, 1, 1, 1])
        self.assertEqual(list(held["n"].shape), [6, 1, 28, 28])
        self.assertTrue(torch.equal(held["n"][0], held["n"][3]))
        self.assertEqual(list(draw_sampled(trainer, ["n"], 4, g)), ["n"])


class Grid(unittest.TestCase):
    def test_cells_border_and_half_up_rounding(self):
        images = torch.tensor([0.5, 1.0, 0.0]).reshape(3, 1, 1, 1)
        data, width, height, channels = grid_image(images, 2, 2, [0.0, 1.0])
        self.assertEqual((width, height, channels), (2 * 1 + 3 * 2, 2 * 1 + 3 * 2, 1))
        pixels = torch.tensor(list(data)).reshape(height, width)
        # 0.5 * 255 = 127.5 rounds up as JavaScript's Math.round does; the 4th cell stays border.
        self.assertEqual([pixels[2, 2].item(), pixels[2, 5].item(), pixels[5, 2].item(), pixels[5, 5].item()], [128, 255, 0, 255])


if __name__ == "__main__":
    unittest.main()
