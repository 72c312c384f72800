"""Hugging Face `CLIPImageProcessor` (PIL backend), as src/core/clip/preprocess.ts mirrors it:
convert("RGB") -> shortest-edge bicubic resize -> centre crop (zero padding) -> rescale
1/255 (float64, then float32) -> normalise in float32. Returns CHW float32."""

import numpy as np
from PIL import Image

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def resize_output_size(width: int, height: int, shortest_edge: int) -> tuple[int, int]:
    """The short side becomes `shortest_edge`, the long side int(edge * long / short)."""
    if width <= height:
        return shortest_edge, int(shortest_edge * height / width)
    return int(shortest_edge * width / height), shortest_edge


def preprocess_image(image: Image.Image, size: int) -> np.ndarray:
    rgb = image.convert("RGB")
    target = resize_output_size(rgb.width, rgb.height, size)
    if target != rgb.size:
        rgb = rgb.resize(target, Image.BICUBIC)
    pixels = np.asarray(rgb, dtype=np.uint8)
    height, width = pixels.shape[:2]
    top, left = (height - size) // 2, (width - size) // 2
    crop = np.zeros((size, size, 3), dtype=np.uint8)
    # Rows/columns of the crop that fall inside the image (all of them unless it is too small).
    y0, x0 = max(0, -top), max(0, -left)
    y1, x1 = min(size, height - top), min(size, width - left)
    crop[y0:y1, x0:x1] = pixels[top + y0 : top + y1, left + x0 : left + x1]
    scaled = (crop.astype(np.float64) * (1 / 255)).astype(np.float32)
    mean = np.asarray(CLIP_MEAN, dtype=np.float32)
    std = np.asarray(CLIP_STD, dtype=np.float32)
    return np.ascontiguousarray(((scaled - mean) / std).transpose(2, 0, 1))


def load_image(path: str, size: int) -> np.ndarray:
    with Image.open(path) as image:
        return preprocess_image(image, size)
