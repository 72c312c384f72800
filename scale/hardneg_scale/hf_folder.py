"""Hugging Face model folders: config.json + model.safetensors + tokenizer files, loaded into
a `ClipModel` (parameters checked by name and shape) and written back the same way."""

import json
import os
from dataclasses import dataclass, field

import numpy as np
import torch

from .config import parse_clip_config
from .model import ClipModel
from .safetensors_io import read_safetensors, write_safetensors
from .tokenizer import ClipTokenizer, build_clip_tokenizer_json

TEXT_FILES = (
    "config.json", "tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt", "special_tokens_map.json",
)
WEIGHT_FILE = "model.safetensors"


class ModelFolderError(ValueError):
    pass


@dataclass
class LoadedClip:
    config: dict
    model: ClipModel
    tokenizer: ClipTokenizer
    #: Raw text files of the checkpoint, written back unchanged on save (config.json excepted).
    text_files: dict
    #: Parameter names in the checkpoint's order: the order of the flat optimiser vector.
    names: list
    warnings: list = field(default_factory=list)


def _read_text(directory: str, name: str):
    path = os.path.join(directory, name)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()


def _parse_json(directory: str, name: str, text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise ModelFolderError(f"{os.path.join(directory, name)}: not valid JSON: {e}") from None


def make_tokenizer(config: dict, text_files: dict, directory: str = ".") -> ClipTokenizer:
    t = config["text_config"]
    tokenizer_config = _parse_json(directory, "tokenizer_config.json", text_files["tokenizer_config.json"]) if (
        "tokenizer_config.json" in text_files
    ) else {}
    if "tokenizer.json" in text_files:
        tokenizer_json = _parse_json(directory, "tokenizer.json", text_files["tokenizer.json"])
    elif "vocab.json" in text_files and "merges.txt" in text_files:
        names = {k: v for k, v in tokenizer_config.items() if isinstance(v, str)}
        vocab = _parse_json(directory, "vocab.json", text_files["vocab.json"])
        tokenizer_json = build_clip_tokenizer_json(vocab, text_files["merges.txt"], names)
    else:
        raise ModelFolderError(f"{directory}: the tokenizer needs tokenizer.json, or vocab.json and merges.txt")
    return ClipTokenizer(
        tokenizer_json, tokenizer_config, t["max_position_embeddings"],
        pad_token_id=t["pad_token_id"], eos_token_id=t["eos_token_id"], bos_token_id=t["bos_token_id"],
    )


def load_clip(directory: str) -> LoadedClip:
    """Loads an HF CLIP folder; errors name the file and the field or tensor."""
    text_files = {n: c for n in TEXT_FILES if (c := _read_text(directory, n)) is not None}
    if "config.json" not in text_files:
        raise ModelFolderError(f"{directory}: the model folder has no config.json")
    config_path = os.path.join(directory, "config.json")
    try:
        config = parse_clip_config(_parse_json(directory, "config.json", text_files["config.json"]), config_path)
    except ValueError as e:
        raise ModelFolderError(str(e)) from None
    weight_path = os.path.join(directory, WEIGHT_FILE)
    if not os.path.isfile(weight_path):
        raise ModelFolderError(f"{directory}: the model folder has no {WEIGHT_FILE}")
    with open(weight_path, "rb") as f:
        try:
            tensors, _metadata, _skipped = read_safetensors(f.read())
        except ValueError as e:
            raise ModelFolderError(f"{weight_path}: {e}") from None
    model = ClipModel(config)
    expected = model.state_dict()
    for name, value in expected.items():
        if name not in tensors:
            raise ModelFolderError(f"{weight_path}: missing parameter {name}")
        if list(tensors[name].shape) != list(value.shape):
            raise ModelFolderError(
                f"{weight_path}: parameter {name} has shape {list(tensors[name].shape)}, expected {list(value.shape)}"
            )
    unknown = [n for n in tensors if n not in expected]
    model.load_state_dict({n: torch.from_numpy(np.array(tensors[n])) for n in expected})
    names = [n for n in tensors if n in expected]
    return LoadedClip(
        config=config, model=model, tokenizer=make_tokenizer(config, text_files, directory),
        text_files=text_files, names=names, warnings=[f"unknown parameter {n} ignored" for n in unknown],
    )


def state_arrays(model: torch.nn.Module, names) -> dict:
    return {n: t.detach().float().cpu().numpy() for n, t in model.state_dict().items() if n in set(names)}


def save_clip(loaded: LoadedClip, directory: str, metadata: dict | None = None) -> None:
    """Writes config.json, model.safetensors (F32, HF names) and the tokenizer files."""
    os.makedirs(directory, exist_ok=True)
    for name, content in loaded.text_files.items():
        if name != "config.json":
            with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
                f.write(content)
    with open(os.path.join(directory, "config.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(loaded.config, indent=2) + "\n")
    data = write_safetensors(state_arrays(loaded.model, loaded.names), metadata)
    tmp = os.path.join(directory, WEIGHT_FILE + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, os.path.join(directory, WEIGHT_FILE))
