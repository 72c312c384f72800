"""AdamW over one flat vector of every trainable parameter, the learning-rate schedule, the
weight-decay and freezing rules: src/core/train/adamw.ts and config.ts, op for op.

A step whose loss or gradient norm is not finite changes nothing (parameters, moments and
the step count are blended with a 0/1 gate), as in the browser.
"""

import math
import re

import torch

LOGIT_SCALE_MAX = math.log(100)
_NO_DECAY = re.compile(r"token_embedding|position_embedding|class_embedding|logit_scale")


def decays(name: str, shape) -> bool:
    """Weight decay on matrices only: not on biases, LayerNorms, embeddings or logit_scale."""
    return len(shape) >= 2 and not _NO_DECAY.search(name)


def is_trainable(name: str, freeze: dict, model_config: dict) -> bool:
    """The browser's freezing rules; `lastBlocks` trains only the last n blocks of each tower,
    its final LayerNorm, the projections and the logit scale."""
    if freeze["textTower"] and (name.startswith("text_model.") or name == "text_projection.weight"):
        return False
    if freeze["visionTower"] and (name.startswith("vision_model.") or name == "visual_projection.weight"):
        return False
    if freeze["embeddings"] and ".embeddings." in name:
        return False
    block = re.search(r"\.encoder\.layers\.(\d+)\.", name)
    if block and int(block.group(1)) < freeze["firstBlocks"]:
        return False
    towers = (("text_model.", "text_config"), ("vision_model.", "vision_config"))
    tower = next((model_config[c] for prefix, c in towers if name.startswith(prefix)), None)
    if freeze.get("lastBlocks", 0) > 0 and tower is not None:
        if block:
            return int(block.group(1)) >= tower["num_hidden_layers"] - freeze["lastBlocks"]
        return re.search(r"\.(final_layer_norm|post_layernorm)\.", name) is not None
    return True


def learning_rate_at(step: int, peak: float, warmup_steps: int, total_steps: int, floor: float = 0.0) -> float:
    """Linear warm-up to `peak`, then cosine decay to `floor` at `total_steps` (0-based step)."""
    if step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps)
    progress = min(1, (step - warmup_steps) / span)
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * progress))


class FlatAdamW:
    """`params`: (name, parameter) pairs in the checkpoint's order (the flat layout)."""

    def __init__(self, params, beta1=0.9, beta2=0.98, eps=1e-6, weight_decay=0.1, clip_norm=0.0):
        self.names = [n for n, _ in params]
        self.params = [p for _, p in params]
        self.beta1, self.beta2, self.eps, self.weight_decay, self.clip_norm = beta1, beta2, eps, weight_decay, clip_norm
        self.sizes = [p.numel() for p in self.params]
        self.size = sum(self.sizes)
        device = self.params[0].device
        self.decay_mask = torch.cat(
            [torch.full((p.numel(),), 1.0 if decays(n, p.shape) else 0.0) for n, p in params]
        ).to(device)
        self.m = torch.zeros(self.size, device=device)
        self.v = torch.zeros(self.size, device=device)
        #: Steps actually applied (skipped non-finite steps do not count, as in bias correction).
        self.applied_steps = torch.zeros((), device=device)

    def _flat(self, tensors):
        return torch.cat([t.reshape(-1) for t in tensors])

    @torch.no_grad()
    def apply(self, lr: float, loss: torch.Tensor):
        """One update from the parameters' .grad; returns (pre-clipping grad norm, applied 0/1) tensors."""
        g = self._flat([p.grad if p.grad is not None else torch.zeros_like(p) for p in self.params])
        grad_norm = g.norm()
        finite = torch.isfinite(grad_norm) & torch.isfinite(loss.detach())
        if self.clip_norm:
            g = g * torch.clamp(self.clip_norm / (grad_norm + 1e-6), max=1.0)
        safe = torch.where(torch.isfinite(g) & finite, g, torch.zeros_like(g))
        gate = finite.float()

        def keep(new, old):
            return new * gate + old * (1 - gate)

        t = self.applied_steps + gate
        m = self.m * self.beta1 + safe * (1 - self.beta1)
        v = self.v * self.beta2 + safe.square() * (1 - self.beta2)
        steps = t.clamp_min(1)
        m_hat = m / (1 - torch.pow(torch.tensor(self.beta1, device=g.device), steps))
        v_hat = v / (1 - torch.pow(torch.tensor(self.beta2, device=g.device), steps))
        p = self._flat(self.params)
        decayed = p * (1 - self.decay_mask * (lr * self.weight_decay))
        updated = decayed - lr * (m_hat / (v_hat.sqrt() + self.eps))
        new_p = keep(updated, p)
        self.m, self.v, self.applied_steps = keep(m, self.m), keep(v, self.v), t
        for param, piece in zip(self.params, torch.split(new_p, self.sizes)):
            param.copy_(piece.reshape(param.shape))
        return grad_norm, gate

    def state(self) -> dict:
        return {"step": int(self.applied_steps.item()), "m": self.m.cpu().numpy(), "v": self.v.cpu().numpy()}

    def load_state(self, step: float, m, v) -> None:
        if len(m) != self.size or len(v) != self.size:
            raise ValueError(f"optimizer state has {len(m)} values, the trainable parameters {self.size}")
        device = self.m.device
        self.m = torch.as_tensor(m, dtype=torch.float32).to(device).clone()
        self.v = torch.as_tensor(v, dtype=torch.float32).to(device).clone()
        self.applied_steps = torch.tensor(float(step), device=device)


@torch.no_grad()
def ema_update(teacher: dict, student: dict, alpha: float) -> None:
    """DeGLA's teacher: theta* <- alpha theta* + (1 - alpha) theta, over all parameters."""
    for name, t in teacher.items():
        t.copy_(t * alpha + student[name] * (1 - alpha))
