"""FSC-CLIP (src/core/losses/fscclip.ts, scr.ts, tokenScores.ts):
L = L_clip + w_global scr(z_global, m) + w_local scr(z_local, m)."""

import torch

from .base import (
    Objective, Option, Output, l2_normalize, normalize_features, own_negative_logits, pair_logits,
    require_hard_negatives, symmetric_info_nce, valid_mask_or_ones,
)

RANGE_EPSILON = 1e-6
MASKED_LOGIT = -1e9


def token_patch_weights(tokens, patches):
    """Constant pooling weights [B, T, P]: token-patch affinities min-max normalised per row, summing to 1."""
    affinity = (tokens @ patches.transpose(1, 2)).detach()
    low = affinity.min(-1, keepdim=True).values
    scaled = (affinity - low) / (affinity.max(-1, keepdim=True).values - low + RANGE_EPSILON)
    return scaled / scaled.sum(-1, keepdim=True).clamp_min(1e-12)


def local_scores(patches, caption_tokens, token_mask, scale):
    """S(i, c) [N, C]: logsumexp over caption c's unmasked tokens of s <pooled patches, token>."""
    n, c, t, d = caption_tokens.shape
    tokens = caption_tokens.reshape(n, c * t, d)
    pooled = token_patch_weights(tokens, patches) @ patches
    cosines = (l2_normalize(pooled) * l2_normalize(tokens)).sum(-1)
    logits = (cosines * scale).reshape(n, c, t) + (1 - token_mask) * MASKED_LOGIT
    return logits.logsumexp(-1)


def selective_calibrated_regularization(logits, mask, focal_gamma: float, label_smoothing: float):
    """Focal, label-smoothed CE over [positive | own negatives], smoothing on valid classes only."""
    rows, classes = logits.shape
    valid_negatives = mask.sum(1, keepdim=True)
    share = label_smoothing / (valid_negatives + 1)
    valid_classes = torch.cat([torch.ones(rows, 1, device=logits.device), mask], 1)
    positive = torch.zeros(rows, classes, device=logits.device)
    positive[:, 0] = 1
    targets = valid_classes * share + positive * (1 - label_smoothing)
    log_p = logits.log_softmax(1)
    focal = log_p if focal_gamma == 0 else (1 - log_p.exp()).pow(focal_gamma) * log_p
    per_row = -(targets * focal).sum(1)
    counted = (valid_negatives.squeeze(1) > 0).float()
    return (per_row * counted).sum() / counted.sum().clamp_min(1)


class FscClipObjective(Objective):
    name = "fscclip"
    uses_hard_negatives = True
    needs_tokens = True
    options = (
        Option("globalWeight", 0.5, minimum=0),
        Option("localWeight", 0.2, minimum=0),
        Option("focalGamma", 2, minimum=0),
        Option("labelSmoothing", 0.02, minimum=0, maximum=1),
    )

    def compute(self, inputs, state, options):
        k = inputs["k"]
        images, texts, scale = normalize_features(inputs)
        negatives = l2_normalize(require_hard_negatives(inputs, self.name))
        mask = valid_mask_or_ones(inputs)
        n, t, d = inputs["text_tokens"].shape
        tokens = torch.cat([inputs["text_tokens"].unsqueeze(1), inputs["hardneg_tokens"].reshape(n, k, t, d)], 1)
        negative_mask = inputs["hardneg_token_mask"].reshape(n, k, t)
        token_mask = torch.cat([inputs["text_token_mask"].unsqueeze(1), negative_mask], 1)

        _, _, clip = symmetric_info_nce(images, texts, scale)
        global_logits = torch.cat(
            [pair_logits(images, texts, scale).unsqueeze(1), own_negative_logits(images, negatives, k, scale) * mask], 1
        )
        local = local_scores(inputs["image_tokens"], tokens, token_mask, scale)
        local_logits = torch.cat([local[:, :1], local[:, 1:] * mask], 1)
        gamma, smoothing = options["focalGamma"], options["labelSmoothing"]
        neg_global = selective_calibrated_regularization(global_logits, mask, gamma, smoothing)
        neg_local = selective_calibrated_regularization(local_logits, mask, gamma, smoothing)
        total = clip + neg_global * options["globalWeight"] + neg_local * options["localWeight"]
        return Output(total, {"clip": clip, "negGlobal": neg_global, "negLocal": neg_local}, {})
