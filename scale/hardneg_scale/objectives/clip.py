"""CLIP's symmetric InfoNCE and NegCLIP (src/core/losses/clip.ts, negclip.ts)."""

from .base import (
    Objective, Output, hard_negative_itc, l2_normalize, normalize_features, require_hard_negatives, symmetric_info_nce,
)


class ClipObjective(Objective):
    name = "clip"

    def compute(self, inputs, state, options):
        images, texts, scale = normalize_features(inputs)
        i2t, t2i, itc = symmetric_info_nce(images, texts, scale)
        return Output(itc, {"itcI2t": i2t, "itcT2i": t2i, "itc": itc}, {})


class NegClipObjective(Objective):
    name = "negclip"
    uses_hard_negatives = True

    def compute(self, inputs, state, options):
        images, texts, scale = normalize_features(inputs)
        negatives = l2_normalize(require_hard_negatives(inputs, self.name))
        i2t, t2i, itc = hard_negative_itc(images, texts, negatives, scale)
        return Output(itc, {"itcI2t": i2t, "itcT2i": t2i, "itc": itc}, {})
