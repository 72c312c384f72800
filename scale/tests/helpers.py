"""Shared test helpers: paths, the torch requirement, a small bundle writer and CLI runners.

The bundle writer here is a test fixture only (the real one is src/core/io/bundle/writer.ts,
checked against scale/ by src/core/io/bundle/parity.test.ts): tiny PNGs drawn with Pillow,
captions with two typed negatives, run.json with the schema's defaults filled in by scale/.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCALE = os.path.dirname(HERE)
REPO = os.path.dirname(SCALE)
FIXTURES = os.path.join(REPO, "test", "fixtures")
TINY_CLIP = os.path.join(FIXTURES, "hf_tiny_clip")
CLI = os.path.join(SCALE, "cli.py")
sys.path.insert(0, SCALE)
sys.dont_write_bytecode = True

try:
    import numpy  # noqa: F401
    import PIL  # noqa: F401
    import torch  # noqa: F401

    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False

if not HAVE_TORCH and os.environ.get("CI"):
    raise RuntimeError(f"CI needs PyTorch, numpy and Pillow for scale/ ({sys.executable} cannot import them)")
#: Decorator for tests that need torch: skipped locally without it (CI fails above instead).
requires_torch = unittest.skipUnless(HAVE_TORCH, "PyTorch, numpy or Pillow is not installed")

COLOURS = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (40, 70, 220), "yellow": (230, 210, 40)}
SHAPES = ("square", "bar")


def example(i: int):
    """Caption, negatives, validity and a drawing spec for example i (deterministic)."""
    names = list(COLOURS)
    colour, other = names[i % 4], names[(i + 1 + i // 4) % 4]
    shape = SHAPES[(i // 2) % 2]
    caption = f"a {colour} {shape} and a {other} dot"
    negatives = [f"a {other} {shape} and a {colour} dot", "" if i % 3 == 0 else f"a {colour} {SHAPES[1 - SHAPES.index(shape)]} and a {other} dot"]
    return caption, negatives, [1, 0 if i % 3 == 0 else 1], (colour, other, shape)


def draw(spec, size: int = 32):
    from PIL import Image, ImageDraw

    colour, other, shape = spec
    image = Image.new("RGB", (size, size), (245, 245, 245))
    pen = ImageDraw.Draw(image)
    box = (4, 4, 18, 18) if shape == "square" else (4, 10, 26, 16)
    pen.rectangle(box, fill=COLOURS[colour])
    pen.ellipse((20, 20, 28, 28), fill=COLOURS[other])
    return image


def write_bundle(root: str, size: int = 8, train: dict | None = None, objective_state: dict | None = None) -> str:
    """A bundle of `size` examples around the tiny HF fixture model."""
    os.makedirs(os.path.join(root, "data", "images"), exist_ok=True)
    shutil.copytree(TINY_CLIP, os.path.join(root, "model"), ignore=shutil.ignore_patterns("*.png", "expected.json"))
    lines = []
    for i in range(size):
        caption, negatives, valid, spec = example(i)
        path = f"data/images/{i:06d}.png"
        draw(spec).save(os.path.join(root, path))
        lines.append(json.dumps({
            "image": path, "caption": caption, "negatives": negatives, "negativeTypes": ["swap", "replace"], "valid": valid,
        }))
    with open(os.path.join(root, "data", "pairs.jsonl"), "w") as f:
        f.write("\n".join(lines) + "\n")
    run = {
        "format": "hardneg-run-bundle", "version": 1, "createdBy": "scale/tests", "createdAt": "2026-01-01T00:00:00Z",
        "model": {"path": "model", "parameters": 0},
        "data": {"name": "test-shapes", "pairs": "data/pairs.jsonl", "size": size, "numNegativeTypes": 2, "negativeTypes": ["swap", "replace"]},
        "batchOrder": "xoshiro128ss-epoch-v1",
        "train": {"objective": "ceclip", "steps": 10, "batchSize": 4, "lr": 1e-3, "warmupSteps": 2, "checkpointEvery": 0, **(train or {})},
        "objectiveState": objective_state or {},
    }
    with open(os.path.join(root, "run.json"), "w") as f:
        json.dump(run, f, indent=2)
    return root


def run_cli(*args, nproc: int = 1, env: dict | None = None) -> subprocess.CompletedProcess:
    """scale/cli.py with this Python; under torchrun (scale/torchrun.py, standalone) when nproc > 1."""
    torchrun = [sys.executable, os.path.join(SCALE, "torchrun.py"), "--standalone", f"--nproc_per_node={nproc}"]
    launcher = torchrun if nproc > 1 else [sys.executable]
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1", **(env or {})}
    return subprocess.run([*launcher, CLI, *map(str, args)], capture_output=True, text=True, env=full_env, timeout=600)


class TempDirCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="scale-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
