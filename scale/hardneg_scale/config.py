"""Hugging Face `CLIPConfig` (config.json), with HF's defaults and the browser's checks
(src/core/clip/config.ts): unknown fields are kept, so a config writes back unchanged."""

import copy

ACTIVATIONS = ("quick_gelu", "gelu", "gelu_new", "gelu_pytorch_tanh", "relu")

TEXT_DEFAULTS = {
    "vocab_size": 49408, "hidden_size": 512, "intermediate_size": 2048, "projection_dim": 512,
    "num_hidden_layers": 12, "num_attention_heads": 8, "max_position_embeddings": 77,
    "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5, "pad_token_id": 1,
    "bos_token_id": 49406, "eos_token_id": 49407,
}
VISION_DEFAULTS = {
    "hidden_size": 768, "intermediate_size": 3072, "projection_dim": 512, "num_hidden_layers": 12,
    "num_attention_heads": 12, "num_channels": 3, "image_size": 224, "patch_size": 32,
    "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
}
POSITIVE_INTS = {
    "vocab_size", "hidden_size", "intermediate_size", "projection_dim", "num_hidden_layers",
    "num_attention_heads", "max_position_embeddings", "image_size", "patch_size",
}


class ConfigError(ValueError):
    pass


def _fail(source: str, field: str, message: str):
    raise ConfigError(f'{source}: field "{field}": {message}')


def _check_tower(tower: dict, name: str, source: str) -> None:
    for key, value in tower.items():
        field = f"{name}.{key}"
        if key in POSITIVE_INTS and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            _fail(source, field, f"expected a positive integer, got {value!r}")
        if key == "hidden_act" and value not in ACTIVATIONS:
            _fail(source, field, f"expected one of {', '.join(ACTIVATIONS)}, got {value!r}")
        if key == "layer_norm_eps" and not (isinstance(value, (int, float)) and value > 0):
            _fail(source, field, f"expected a positive number, got {value!r}")
    if tower["hidden_size"] % tower["num_attention_heads"]:
        _fail(
            source,
            f"{name}.num_attention_heads",
            f"hidden_size {tower['hidden_size']} is not divisible by "
            f"num_attention_heads {tower['num_attention_heads']}",
        )


def parse_clip_config(raw, source: str = "config.json") -> dict:
    """A full config (defaults filled in) from a parsed config.json; errors name the field."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a JSON object")
    config = copy.deepcopy(raw)
    config.setdefault("projection_dim", 512)
    config.setdefault("logit_scale_init_value", 2.6592)
    for name, defaults in (("text_config", TEXT_DEFAULTS), ("vision_config", VISION_DEFAULTS)):
        tower = config.get(name) or {}
        if not isinstance(tower, dict):
            _fail(source, name, "expected an object")
        config[name] = {**defaults, **tower}
        _check_tower(config[name], name, source)
    vision = config["vision_config"]
    if vision["num_channels"] != 3:
        _fail(source, "vision_config.num_channels", f"expected 3, got {vision['num_channels']!r}")
    if vision["image_size"] % vision["patch_size"]:
        _fail(
            source,
            "vision_config.patch_size",
            f"image_size {vision['image_size']} is not divisible by patch_size {vision['patch_size']}",
        )
    return config
