"""CLIP as PyTorch modules whose state_dict keys are exactly Hugging Face `CLIPModel`'s, and
whose forward pass is the browser engine's (src/core/clip/model.ts): pre-norm encoder
layers, a causal text tower pooled at the first end-of-text token, features projected but
not normalised, and token features (after the final LayerNorm and projection) on request.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


def activate(x: torch.Tensor, kind: str) -> torch.Tensor:
    if kind == "quick_gelu":
        return x * torch.sigmoid(1.702 * x)
    if kind == "gelu":
        return F.gelu(x)
    if kind in ("gelu_new", "gelu_pytorch_tanh"):
        return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x.pow(3))))
    if kind == "relu":
        return F.relu(x)
    raise ValueError(f"unknown activation {kind}")


class Attention(nn.Module):
    def __init__(self, width: int, heads: int):
        super().__init__()
        self.heads = heads
        # HF's module order, so state_dict lists parameters as HF does.
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.q_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor, additive_mask: torch.Tensor | None) -> torch.Tensor:
        batch, length, width = x.shape
        head_dim = width // self.heads

        def project(layer):
            return layer(x).reshape(batch, length, self.heads, head_dim).transpose(1, 2)

        q = project(self.q_proj) * head_dim**-0.5
        scores = q @ project(self.k_proj).transpose(-1, -2)
        if additive_mask is not None:
            scores = scores + additive_mask
        context = (scores.softmax(-1) @ project(self.v_proj)).transpose(1, 2)
        return self.out_proj(context.reshape(batch, length, width))


class Mlp(nn.Module):
    def __init__(self, width: int, intermediate: int, act: str):
        super().__init__()
        self.act = act
        self.fc1 = nn.Linear(width, intermediate)
        self.fc2 = nn.Linear(intermediate, width)

    def forward(self, x):
        return self.fc2(activate(self.fc1(x), self.act))


class EncoderLayer(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        width = c["hidden_size"]
        self.self_attn = Attention(width, c["num_attention_heads"])
        self.layer_norm1 = nn.LayerNorm(width, eps=c["layer_norm_eps"])
        self.mlp = Mlp(width, c["intermediate_size"], c["hidden_act"])
        self.layer_norm2 = nn.LayerNorm(width, eps=c["layer_norm_eps"])

    def forward(self, x, mask=None):
        x = x + self.self_attn(self.layer_norm1(x), mask)
        return x + self.mlp(self.layer_norm2(x))


class Encoder(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(c) for _ in range(c["num_hidden_layers"]))

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask)
        return x


class TextEmbeddings(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.token_embedding = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.position_embedding = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])


class TextTransformer(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.embeddings = TextEmbeddings(c)
        self.encoder = Encoder(c)
        self.final_layer_norm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])


class VisionEmbeddings(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        width, patch = c["hidden_size"], c["patch_size"]
        self.class_embedding = nn.Parameter(torch.zeros(width))
        self.patch_embedding = nn.Conv2d(c["num_channels"], width, patch, stride=patch, bias=False)
        self.position_embedding = nn.Embedding((c["image_size"] // patch) ** 2 + 1, width)


class VisionTransformer(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.embeddings = VisionEmbeddings(c)
        self.pre_layrnorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])  # sic: HF's name
        self.encoder = Encoder(c)
        self.post_layernorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])


def pooling_positions(input_ids: torch.Tensor, eos_token_id: int) -> torch.Tensor:
    """The pooled token of each row: legacy configs (eos 2) take the argmax id, others the
    first end-of-text token (the last position when there is none)."""
    if eos_token_id == 2:
        return input_ids.argmax(-1)
    is_eos = (input_ids == eos_token_id).int()
    last = torch.full_like(input_ids[:, 0], input_ids.shape[1] - 1)
    return torch.where(is_eos.any(-1), is_eos.argmax(-1), last)


def causal_mask(length: int, device) -> torch.Tensor:
    return torch.triu(torch.full((length, length), -1e9, device=device), diagonal=1)


class ClipModel(nn.Module):
    """HF `CLIPModel`'s parameters; `forward` returns raw projected features and logit_scale."""

    def __init__(self, config: dict):
        super().__init__()
        self.config = config
        t, v = config["text_config"], config["vision_config"]
        self.text_model = TextTransformer(t)
        self.vision_model = VisionTransformer(v)
        self.visual_projection = nn.Linear(v["hidden_size"], config["projection_dim"], bias=False)
        self.text_projection = nn.Linear(t["hidden_size"], config["projection_dim"], bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(float(config["logit_scale_init_value"])))

    def encode_text(self, input_ids: torch.Tensor, tokens: bool = False):
        """(features [B, D], token features [B, L, D] or None); only the causal mask applies:
        padding follows end-of-text, so it never reaches a real token."""
        c = self.config["text_config"]
        tm = self.text_model
        length = input_ids.shape[1]
        if length > c["max_position_embeddings"]:
            raise ValueError(f"text length {length} exceeds max_position_embeddings {c['max_position_embeddings']}")
        x = tm.embeddings.token_embedding(input_ids) + tm.embeddings.position_embedding.weight[:length]
        h = tm.encoder(x, causal_mask(length, input_ids.device).to(x.dtype))
        last = tm.final_layer_norm(h)
        pooled = last[torch.arange(last.shape[0], device=last.device), pooling_positions(input_ids, c["eos_token_id"])]
        return self.text_projection(pooled), (self.text_projection(last) if tokens else None)

    def encode_image(self, pixel_values: torch.Tensor, tokens: bool = False):
        """(features [B, D], patch-token features [B, P, D] or None) from NCHW pixel values."""
        vm = self.vision_model
        size = self.config["vision_config"]["image_size"]
        if tuple(pixel_values.shape[2:]) != (size, size):
            raise ValueError(
                f"pixel values are {pixel_values.shape[2]}x{pixel_values.shape[3]}, the model expects {size}x{size}"
            )
        patches = vm.embeddings.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
        cls = vm.embeddings.class_embedding.expand(patches.shape[0], 1, -1)
        x = torch.cat([cls, patches], 1) + vm.embeddings.position_embedding.weight
        normed = vm.post_layernorm(vm.encoder(vm.pre_layrnorm(x)))
        features = self.visual_projection(normed[:, 0])
        return features, (self.visual_projection(normed[:, 1:]) if tokens else None)

    def forward(self, pixel_values, input_ids, tokens: bool = False):
        image, image_tokens = self.encode_image(pixel_values, tokens)
        text, text_tokens = self.encode_text(input_ids, tokens)
        # logit_scale goes through forward so DDP sees it as used.
        return {
            "image": image,
            "text": text,
            "image_tokens": image_tokens,
            "text_tokens": text_tokens,
            "logit_scale_log": self.logit_scale * 1,
        }


def expected_parameter_shapes(config: dict) -> dict:
    """Every HF `CLIPModel` parameter name and shape (what a checkpoint must hold)."""
    return {name: list(p.shape) for name, p in ClipModel(config).state_dict().items()}
