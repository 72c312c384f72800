"""`bench-step`: the time of one CE-CLIP training step in PyTorch, the step `npm run bench`
times in tfjs (src/core/train/benchStep.ts): B images, B captions and K*B hard negatives
(K = 4), both towers, the objective, backward and the flat AdamW, on the Engine of
trainer.py. Inputs are synthetic (random pixels, token rows padded to the context length
with end-of-text at a random position): the cost of a step does not depend on their values.

On the CPU torch uses one thread per core (torch's own default may be lower); on CUDA every
timed step is bracketed by device synchronisations."""

import json
import os
import re
import statistics
import time

import torch

from .bundle import load_schema
from .config import parse_clip_config
from .distributed import Dist
from .hf_folder import load_clip
from .json_schema import validate
from .model import ClipModel
from .objectives import get_objective
from .trainer import Engine, StepInput

NEGATIVE_TYPES = 4


class _Scratch:
    """What Engine needs of a loaded model, for a config without weights (random init)."""

    def __init__(self, config: dict, seed: int):
        torch.manual_seed(seed)
        self.config = config
        self.model = ClipModel(config)
        self.names = list(self.model.state_dict())


def blas_in_use() -> str:
    """The BLAS library the process actually loaded (after a product), from /proc/self/maps;
    torch's build info only says BLAS_INFO (e.g. "generic": whatever libblas.so.3 is)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    found = set()
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            for line in f:
                path = line.split()[-1] if "/" in line else ""
                if re.search(r"(openblas|libblas|mkl_|libmkl|blis|accelerate)", os.path.basename(path), re.I):
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    build = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    libs = ", ".join(sorted(found)) if found else "none loaded"
    return f"{libs} (torch BLAS_INFO={build.group(1) if build else 'unknown'})"


def synthetic_batch(config: dict, batch: int, k: int, generator: torch.Generator, length: int | None = None):
    """Random pixels [B, 3, S, S] and ids [B (1 + K), L] with end-of-text then padding; the
    first row ends at L - 1, so L is the batch's longest text (L: the context length unless
    given, as the tfjs step trims its rows to the batch's longest)."""
    t, v = config["text_config"], config["vision_config"]
    size, context = v["image_size"], t["max_position_embeddings"]
    length = context if length is None else length
    if not 3 <= length <= context:
        raise ValueError(f"text length must be between 3 and the context length {context}, got {length}")
    pixels = torch.randn(batch, 3, size, size, generator=generator)
    rows = batch * (1 + k)
    eos, pad = t["eos_token_id"], t["pad_token_id"]
    low = 0 if t["vocab_size"] < 3 else 1
    ids = torch.randint(low, max(low + 1, t["vocab_size"] - 2), (rows, length), generator=generator)
    ends = torch.randint(2, max(3, length), (rows,), generator=generator)
    ends[0] = length - 1
    positions = torch.arange(length).unsqueeze(0)
    ids = torch.where(positions == ends.unsqueeze(1), torch.full_like(ids, eos), ids)
    ids = torch.where(positions > ends.unsqueeze(1), torch.full_like(ids, pad), ids)
    ids[:, 0] = t["bos_token_id"] if t["bos_token_id"] < t["vocab_size"] else ids[:, 0]
    return pixels, ids


def bench_step(model_dir: str | None = None, config_path: str | None = None, batch: int = 64, steps: int = 10,
               warmup: int = 2, device: str = "cpu", threads: int | None = None, seed: int = 0,
               text_length: int | None = None) -> dict:
    """Times `steps` CE-CLIP steps after `warmup` untimed ones; returns a JSON-ready dict."""
    if (model_dir is None) == (config_path is None):
        raise ValueError("give either a model folder or a config.json")
    if batch < 1 or steps < 1 or warmup < 0:
        raise ValueError("batch and steps must be >= 1, warmup >= 0")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda: no CUDA device is available")
    cores = os.cpu_count() or 1
    torch.set_num_threads(threads or cores)
    if model_dir is not None:
        loaded = load_clip(model_dir)
    else:
        with open(config_path, encoding="utf-8") as f:
            loaded = _Scratch(parse_clip_config(json.load(f), config_path), seed)
    schema = load_schema()["runJson"]["properties"]["train"]
    train = validate({"objective": "ceclip", "batchSize": batch, "steps": 1_000_000, "warmupSteps": 0}, schema)
    objective = get_objective("ceclip")
    train["objectiveOptions"] = objective.parse_options(train["objectiveOptions"])
    dev = torch.device(device)
    engine = Engine(loaded, train, objective, NEGATIVE_TYPES, Dist(), dev)
    generator = torch.Generator().manual_seed(seed)
    pixels, ids = synthetic_batch(loaded.config, batch, NEGATIVE_TYPES, generator, text_length)
    mask = torch.ones(batch, NEGATIVE_TYPES)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)

    def one_step(step: int) -> float:
        sync()
        started = time.perf_counter()
        packed = engine.step(StepInput(step, 0, step == 0, pixels, ids, mask))
        packed.cpu()  # the metrics read-back, as the browser's readMetrics
        sync()
        return (time.perf_counter() - started) * 1000

    for i in range(warmup):
        one_step(i)
    ms = [one_step(warmup + i) for i in range(steps)]
    return {
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu",
        "threads": torch.get_num_threads(),
        "cores": cores,
        "blas": blas_in_use() if dev.type == "cpu" else f"cuBLAS (CUDA {torch.version.cuda})",
        "parameters": engine.trainable_count,
        "batchSize": batch,
        "textsPerStep": batch * (1 + NEGATIVE_TYPES),
        "textLength": ids.shape[1],
        "warmupSteps": warmup,
        "msPerStep": [round(x, 2) for x in ms],
        "medianMs": round(statistics.median(ms), 2),
    }
