"""CE-CLIP (src/core/losses/ceclip.ts, ceclipThresholds.ts): L = L_itc + w_cmr L_cmr + w_imc L_imc,
with per-type adaptive rank thresholds carried from step to step."""

import math

import torch

from .base import (
    Objective, Option, Output, constant_targets, cross_entropy, hard_negative_itc, l2_normalize, normalize_features,
    own_negative_logits, pair_logits, require_hard_negatives, scaled_similarity, valid_mask_or_ones,
)

THRESHOLD_TYPES = ("mean", "max", "fixed")
IMC_VARIANTS = ("imageTextPositive", "officialHead", "official2023")


def mean_gap_per_type(g, h, mask):
    """mean_i g_i - mean_{valid i} h_ik per type; NaN for a type without a valid sample."""
    count = mask.sum(0)
    gap = g.mean() - h.sum(0) / count.clamp_min(1)
    return torch.where(count > 0, gap, torch.full_like(gap, math.nan))


def next_thresholds(previous, g, h, mask, options):
    if options["thresholdType"] == "fixed":
        return previous.clone()
    if options["thresholdType"] == "mean":
        candidate = mean_gap_per_type(g, h, mask)
    else:
        candidate = (g.unsqueeze(1) * mask - h).max(0).values / 5
    clamped = candidate.clamp(0, options["upperBound"])
    return torch.where(mask.sum(0) > 0, clamped, previous)


def intra_modal_loss(g, text_to_negatives, variant: str):
    n = g.shape[0]
    if variant == "officialHead":
        return cross_entropy(text_to_negatives, constant_targets(n, 0, g.device))
    with_positive = torch.cat([g.unsqueeze(1), text_to_negatives], 1)
    return cross_entropy(with_positive, constant_targets(n, 1 if variant == "official2023" else 0, g.device))


class CeClipObjective(Objective):
    name = "ceclip"
    uses_hard_negatives = True
    options = (
        Option("thresholdType", "mean", "enum", choices=THRESHOLD_TYPES),
        Option("upperBound", 10, minimum=0),
        Option("fixedThreshold", 2),
        Option("imcVariant", "imageTextPositive", "enum", choices=IMC_VARIANTS),
        Option("cmrWeight", 0.2, minimum=0),
        Option("imcWeight", 0.3, minimum=0),
        Option("resetEachEpoch", True, "boolean"),
    )

    def initial_state(self, options, k):
        start = options["fixedThreshold"] if options["thresholdType"] == "fixed" else 0.0
        return {"thresholds": torch.full((k,), float(start))}

    def on_epoch_start(self, state, options):
        if options["resetEachEpoch"] or options["thresholdType"] == "fixed":
            return self.initial_state(options, state["thresholds"].shape[0])
        return {"thresholds": state["thresholds"].clone()}

    def deserialize_state(self, data, options, k):
        values = data.get("thresholds")
        if not isinstance(values, list) or len(values) != k or not all(
            isinstance(v, (int, float)) and math.isfinite(v) for v in values
        ):
            raise ValueError(f"state.thresholds must be {k} finite numbers")
        return {"thresholds": torch.tensor([float(v) for v in values])}

    def compute(self, inputs, state, options):
        k = inputs["k"]
        thresholds = state["thresholds"].to(inputs["image_emb"].device)
        if thresholds.shape[0] != k:
            raise ValueError(f"ceclip: state has {thresholds.shape[0]} thresholds, batch has K = {k}")
        images, texts, scale = normalize_features(inputs)
        negatives = l2_normalize(require_hard_negatives(inputs, self.name))
        mask = valid_mask_or_ones(inputs)

        i2t, t2i, itc = hard_negative_itc(images, texts, negatives, scale)
        g = pair_logits(images, texts, scale)
        h = own_negative_logits(images, negatives, k, scale) * mask
        margin = thresholds + h - g.unsqueeze(1)
        hinge = mask * margin.relu()
        violated = mask * (margin > 0).float()
        cmr = hinge.mean()
        imc = intra_modal_loss(g, scaled_similarity(texts, negatives, scale), options["imcVariant"])
        total = itc + cmr * options["cmrWeight"] + imc * options["imcWeight"]

        gd, hd = g.detach(), h.detach()
        violation_rate = violated.sum(0) / mask.sum(0)  # NaN for a type with no valid negative
        terms = {"itcI2t": i2t, "itcT2i": t2i, "itc": itc, "cmr": cmr, "imc": imc}
        per_type = (("theta", thresholds), ("gap", mean_gap_per_type(gd, hd, mask)), ("violationRate", violation_rate))
        for prefix, values in per_type:
            terms.update({f"{prefix}_{i}": values[i] for i in range(k)})
        next_state = {"thresholds": next_thresholds(thresholds, gd, hd, mask, options).detach()}
        return Output(total, terms, next_state, {"hinge": hinge})
