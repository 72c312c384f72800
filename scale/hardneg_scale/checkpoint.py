"""Checkpoints in the browser's format (src/core/train/checkpoint.ts): one safetensors file
with the parameters under their HF names, the AdamW moments as `optimizer.m` / `optimizer.v`,
and step, data cursor, config and objective state as JSON metadata. DeGLA's teacher rides
along as `teacher.<name>` (the browser ignores names it does not know)."""

import json
import os

from .safetensors_io import read_safetensors, write_safetensors

FORMAT = "hardneg-checkpoint"
MOMENT_M, MOMENT_V, TEACHER = "optimizer.m", "optimizer.v", "teacher."


def encode_checkpoint(
    step, cursor, config, params: dict, optimizer: dict, objective_state: dict, teacher=None
) -> bytes:
    tensors = dict(params)
    tensors[MOMENT_M], tensors[MOMENT_V] = optimizer["m"], optimizer["v"]
    for name, value in (teacher or {}).items():
        tensors[TEACHER + name] = value
    meta = {
        "version": 1, "step": step, "cursor": {"epoch": cursor.epoch, "position": cursor.position},
        "config": config, "optimizerStep": optimizer["step"], "objectiveState": objective_state,
    }
    return write_safetensors(tensors, {"format": FORMAT, "checkpoint": json.dumps(meta)})


def decode_checkpoint(data: bytes, path: str) -> dict:
    try:
        tensors, metadata, _ = read_safetensors(data)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None
    if metadata.get("format") != FORMAT or "checkpoint" not in metadata:
        raise ValueError(f"{path}: not a HardNeg Lab checkpoint (metadata.format is not {FORMAT})")
    meta = json.loads(metadata["checkpoint"])
    if meta.get("version") != 1:
        raise ValueError(f"{path}: checkpoint version {meta.get('version')} is not supported")
    if MOMENT_M not in tensors or MOMENT_V not in tensors:
        raise ValueError(f"{path}: checkpoint has no optimizer moments")
    return {
        **meta,
        "m": tensors[MOMENT_M], "v": tensors[MOMENT_V],
        "params": {n: t for n, t in tensors.items() if n not in (MOMENT_M, MOMENT_V) and not n.startswith(TEACHER)},
        "teacher": {n[len(TEACHER):]: t for n, t in tensors.items() if n.startswith(TEACHER)},
    }


def write_atomically(path: str, data) -> None:
    """Via a temporary file, so a killed run never leaves half a file."""
    tmp = path + ".tmp"
    with open(tmp, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.replace(tmp, path)
