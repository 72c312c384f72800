"""DeGLA (src/core/losses/degla.ts): L = L_base + w_tgc L_tgc + w_igc L_igc + w_distill L_distill,
the teacher (an EMA of the student) supplying constant embeddings."""

import torch

from .base import (
    Objective, Option, Output, constant_targets, cross_entropy, hard_negative_itc, l2_normalize,
    normalize_features, own_negative_logits, pair_logits, require_hard_negatives,
)


def grounded_contrast(positive, negatives):
    logits = torch.cat([positive.unsqueeze(1), negatives], 1)
    return cross_entropy(logits, constant_targets(positive.shape[0], 0, positive.device))


class DeglaObjective(Objective):
    name = "degla"
    uses_hard_negatives = True
    teacher_decay_option = "teacherDecay"
    options = (
        Option("tgcWeight", 0.1, minimum=0),
        Option("igcWeight", 0.1, minimum=0),
        Option("distillWeight", 0.005, minimum=0),
        Option("tgcScale", 10, positive=True),
        Option("teacherDecay", 0.9996, minimum=0, maximum=1),
    )

    def compute(self, inputs, state, options):
        k = inputs["k"]
        raw_negatives = require_hard_negatives(inputs, self.name)
        keys = ("image_emb", "text_emb", "hardneg_emb")
        teacher = {key: l2_normalize(inputs[f"teacher_{key}"]).detach() for key in keys}
        images, texts, scale = normalize_features(inputs)
        negatives = l2_normalize(raw_negatives)

        i2t, t2i, base = hard_negative_itc(images, texts, negatives, scale)
        igc = grounded_contrast(pair_logits(images, texts, scale), own_negative_logits(images, negatives, k, scale))
        tgc_scale = torch.tensor(float(options["tgcScale"]), device=images.device)
        tgc = grounded_contrast(
            pair_logits(texts, teacher["text_emb"], tgc_scale), own_negative_logits(texts, negatives, k, tgc_scale)
        )
        students = (images, texts, negatives)
        distill = sum((s - teacher[key]).pow(2).sum() for s, key in zip(students, keys))
        total = base + tgc * options["tgcWeight"] + igc * options["igcWeight"] + distill * options["distillWeight"]
        terms = {"baseI2t": i2t, "baseT2i": t2i, "base": base, "tgc": tgc, "igc": igc, "distill": distill}
        return Output(total, terms, {})
