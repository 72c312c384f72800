"""The objective contract (src/core/losses/objective.ts) and the building blocks every
objective shares (src/core/losses/shared.ts), as torch ops.

Inputs are a dict: raw (not normalised) `image_emb` [N, D], `text_emb` [N, D],
`hardneg_emb` [N*K, D] sample-major, `valid_mask` [N, K], `k`, `logit_scale_log`; token
features and teacher embeddings where an objective needs them. `compute` returns
(total, terms, next_state): terms are the unweighted named scalars the app charts.
"""

from dataclasses import dataclass, field

import torch
from torch.nn import functional as F


class OptionError(ValueError):
    pass


@dataclass(frozen=True)
class Option:
    """One objective option, checked as the browser's zod schema checks it."""

    name: str
    default: object
    kind: str = "number"  # number | boolean | enum
    minimum: float | None = None
    maximum: float | None = None
    positive: bool = False
    choices: tuple = ()

    def check(self, value, where: str):
        bad = f'field "{where}.{self.name}": '
        if self.kind == "boolean":
            if not isinstance(value, bool):
                raise OptionError(bad + f"expected a boolean, got {value!r}")
        elif self.kind == "enum":
            if value not in self.choices:
                raise OptionError(bad + f"expected one of {', '.join(self.choices)}, got {value!r}")
        else:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise OptionError(bad + f"expected a number, got {value!r}")
            if self.minimum is not None and value < self.minimum:
                raise OptionError(bad + f"must be >= {self.minimum}, got {value}")
            if self.maximum is not None and value > self.maximum:
                raise OptionError(bad + f"must be <= {self.maximum}, got {value}")
            if self.positive and value <= 0:
                raise OptionError(bad + f"must be > 0, got {value}")
        return value


@dataclass
class Output:
    total: torch.Tensor
    #: Every named scalar worth charting (unweighted terms, thresholds, gaps...), in the app's order.
    terms: dict
    #: The carried state for the next step (detached).
    next_state: dict
    per_sample: dict = field(default_factory=dict)


class Objective:
    name = ""
    uses_hard_negatives = False
    needs_tokens = False
    #: The option holding the EMA decay of a teacher (DeGLA), or None.
    teacher_decay_option = None
    options: tuple = ()

    def parse_options(self, raw: dict | None, where: str = "objectiveOptions") -> dict:
        """Defaults filled in; an unknown key is an error (a typo would silently train the default).
        Errors read `field "<where>.<option>": ...`."""
        raw = dict(raw or {})
        known = [o.name for o in self.options]
        for key in raw:
            if key not in known:
                listed = ", ".join(known) or "none"
                raise OptionError(f'field "{where}.{key}": {self.name} has no such option (options: {listed})')
        return {o.name: o.check(raw.get(o.name, o.default), where) for o in self.options}

    def initial_state(self, options: dict, k: int) -> dict:
        return {}

    def on_epoch_start(self, state: dict, options: dict) -> dict:
        return {}

    def deserialize_state(self, data: dict, options: dict, k: int) -> dict:
        return {}

    def compute(self, inputs: dict, state: dict, options: dict):
        raise NotImplementedError


def l2_normalize(x: torch.Tensor) -> torch.Tensor:
    """x / sqrt(max(sum x^2, 1e-24)): a zero row keeps a finite gradient."""
    return x / x.pow(2).sum(-1, keepdim=True).clamp_min(1e-24).sqrt()


def scaled_similarity(a, b, scale):
    return (a @ b.T) * scale


def pair_logits(a, b, scale):
    return (a * b).sum(1) * scale


def own_negative_logits(anchors, negatives, k: int, scale):
    """s <v_i, n_ik> of each anchor with its own K negatives: [N, K]."""
    n, d = anchors.shape
    return (negatives.reshape(n, k, d) * anchors.unsqueeze(1)).sum(2) * scale


def cross_entropy(logits, targets):
    return F.cross_entropy(logits, targets)


def diagonal_targets(n: int, device):
    return torch.arange(n, device=device)


def constant_targets(n: int, column: int, device):
    return torch.full((n,), column, dtype=torch.long, device=device)


def valid_mask_or_ones(inputs: dict):
    mask = inputs.get("valid_mask")
    if mask is not None:
        return mask
    return torch.ones(inputs["image_emb"].shape[0], inputs["k"], device=inputs["image_emb"].device)


def require_hard_negatives(inputs: dict, name: str):
    negatives, k = inputs.get("hardneg_emb"), inputs.get("k", 0)
    if negatives is None or k < 1:
        raise ValueError(f"{name} needs hard negatives (hardneg_emb with k >= 1)")
    if negatives.shape[0] != inputs["image_emb"].shape[0] * k:
        raise ValueError(f"{name}: hardneg_emb has {negatives.shape[0]} rows, expected N*K")
    return negatives


def normalize_features(inputs: dict):
    return l2_normalize(inputs["image_emb"]), l2_normalize(inputs["text_emb"]), inputs["logit_scale_log"].exp()


def symmetric_info_nce(images, texts, scale):
    targets = diagonal_targets(images.shape[0], images.device)
    i2t = cross_entropy(scaled_similarity(images, texts, scale), targets)
    t2i = cross_entropy(scaled_similarity(texts, images, scale), targets)
    return i2t, t2i, (i2t + t2i) / 2


def hard_negative_itc(images, texts, negatives, scale):
    """NegCLIP's ITC: negatives join the captions in the image-to-text direction only."""
    targets = diagonal_targets(images.shape[0], images.device)
    i2t = cross_entropy(scaled_similarity(images, torch.cat([texts, negatives], 0), scale), targets)
    t2i = cross_entropy(scaled_similarity(texts, images, scale), targets)
    return i2t, t2i, (i2t + t2i) / 2
