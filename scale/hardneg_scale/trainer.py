"""The training step of the browser engine (src/core/train/trainer.ts), data-parallel:
batch -> forward -> features gathered across ranks -> objective on the global batch ->
backward (DDP averages) -> flat AdamW -> EMA teacher -> logit-scale clamp -> carried state,
gated on a finite step. One process at batch B and N processes at B / N train alike."""

import copy
from dataclasses import dataclass

import torch
from torch.nn.parallel import DistributedDataParallel

from .data import token_mask
from .distributed import Dist, gather
from .model import pooling_positions
from .optim import LOGIT_SCALE_MAX, FlatAdamW, ema_update, is_trainable, learning_rate_at


@dataclass
class StepInput:
    step: int
    epoch: int
    new_epoch: bool
    #: This rank's pixels [b, 3, S, S] and ids [b + b K, L] (captions, then negatives sample-major).
    pixels: torch.Tensor
    ids: torch.Tensor
    #: [B, K] validity of the global batch (None without negatives).
    valid_mask: torch.Tensor | None


class Engine:
    """Model, optimiser, teacher and carried state of one rank."""

    def __init__(self, loaded, config: dict, objective, k: int, d: Dist, device, precision: str = "fp32"):
        self.loaded, self.config, self.objective, self.k, self.d = loaded, config, objective, k, d
        self.options = config["objectiveOptions"]
        self.device, self.precision = device, precision
        self.model = loaded.model.to(device)
        params = dict(self.model.named_parameters())
        self.trainable = [n for n in loaded.names if is_trainable(n, config["freeze"], loaded.config)]
        if not self.trainable:
            raise ValueError("every parameter is frozen: nothing to train")
        for name, p in params.items():
            p.requires_grad_(name in self.trainable)
        self.optimizer = FlatAdamW(
            [(n, params[n]) for n in self.trainable], beta1=config["beta1"], beta2=config["beta2"],
            eps=config["eps"], weight_decay=config["weightDecay"], clip_norm=config["clipNorm"],
        )
        self.teacher = None
        if objective.teacher_decay_option:
            self.teacher = copy.deepcopy(self.model).requires_grad_(False)
        self.net = self.model
        if d.world > 1:
            ids = [device.index] if device.type == "cuda" else None
            self.net = DistributedDataParallel(self.model, device_ids=ids, broadcast_buffers=False)
        self.state = objective.initial_state(self.options, k)

    @property
    def trainable_count(self) -> int:
        return self.optimizer.size

    def learning_rate(self, step: int) -> float:
        c = self.config
        return learning_rate_at(step, c["lr"], c["warmupSteps"], c["decaySteps"] or c["steps"], c["minLr"])

    def _features(self, net, pixels, ids, b: int, with_tokens: bool) -> dict:
        """The objective's inputs over the global batch, from this rank's forward pass."""
        autocast = torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16")
        with autocast:
            out = net(pixels, ids, tokens=with_tokens)
        text = out["text"].float()
        inputs = {
            "image_emb": gather(out["image"].float(), self.d),
            "text_emb": gather(text[:b], self.d),
            "hardneg_emb": gather(text[b:], self.d) if self.k else None,
            "k": self.k,
            "logit_scale_log": out["logit_scale_log"].float(),
        }
        if with_tokens:
            tokens = out["text_tokens"].float()
            mask = token_mask(ids, pooling_positions(ids, self.loaded.config["text_config"]["eos_token_id"]))
            inputs.update({
                "image_tokens": gather(out["image_tokens"].float(), self.d),
                "text_tokens": gather(tokens[:b], self.d),
                "text_token_mask": gather(mask[:b], self.d),
                "hardneg_tokens": gather(tokens[b:], self.d),
                "hardneg_token_mask": gather(mask[b:], self.d),
            })
        return inputs

    def step(self, batch: StepInput) -> torch.Tensor:
        """One optimiser step; returns [loss, *terms, grad_norm, applied, logit_scale] (not read back)."""
        if batch.new_epoch and batch.step > 0:
            self.state = self.objective.on_epoch_start(self.state, self.options)
        lr = self.learning_rate(batch.step)
        pixels, ids = batch.pixels.to(self.device), batch.ids.to(self.device)
        b = pixels.shape[0]
        inputs = self._features(self.net, pixels, ids, b, self.objective.needs_tokens)
        inputs["valid_mask"] = batch.valid_mask.to(self.device) if self.k else None
        if self.teacher is not None:
            with torch.no_grad():
                t = self._features(self.teacher, pixels, ids, b, False)
            inputs.update({f"teacher_{key}": t[key] for key in ("image_emb", "text_emb", "hardneg_emb")})
        state = {key: value.to(self.device) for key, value in self.state.items()}
        out = self.objective.compute(inputs, state, self.options)
        for p in self.optimizer.params:
            p.grad = None
        out.total.backward()
        grad_norm, applied = self.optimizer.apply(lr, out.total.detach())
        params = dict(self.model.named_parameters())
        with torch.no_grad():
            if self.teacher is not None:
                decay = self.options[self.objective.teacher_decay_option]
                ema_update(dict(self.teacher.named_parameters()), params, decay)
            if "logit_scale" in self.trainable:
                params["logit_scale"].clamp_(0, LOGIT_SCALE_MAX)
            # A skipped step keeps the objective's state too.
            self.state = {key: torch.where(applied > 0, value, state[key]) for key, value in out.next_state.items()}
            self.term_names = list(out.terms)
            scalars = [out.total.detach(), *[v.detach().reshape(()) for v in out.terms.values()]]
            return torch.stack([*scalars, grad_norm, applied, params["logit_scale"].exp()])

    def metrics_row(self, packed: list, step: int, epoch: int, lr: float) -> dict:
        """A StepMetrics dict from `step`'s packed values."""
        return {
            "step": step, "epoch": epoch, "lr": lr, "loss": packed[0],
            "terms": dict(zip(self.term_names, packed[1:-3])),
            "gradNorm": packed[-3], "applied": packed[-2] > 0, "logitScale": packed[-1],
        }

    # Checkpoint pieces (CPU numpy arrays, HF names).
    def param_arrays(self) -> dict:
        return {n: t.detach().cpu().numpy() for n, t in self.model.state_dict().items() if n in set(self.loaded.names)}

    def teacher_arrays(self) -> dict | None:
        if self.teacher is None:
            return None
        return {n: t.detach().cpu().numpy() for n, t in self.teacher.state_dict().items()}

    def serialized_state(self) -> dict:
        return {key: [float(x) for x in value.cpu().reshape(-1).tolist()] for key, value in self.state.items()}

    def restore(self, ckpt: dict) -> None:
        with torch.no_grad():
            for name, p in self.model.state_dict().items():
                if name in self.loaded.names:
                    if name not in ckpt["params"]:
                        raise ValueError(f"checkpoint has no parameter {name}")
                    p.copy_(torch.as_tensor(ckpt["params"][name]))
            if self.teacher is not None:
                for name, p in self.teacher.state_dict().items():
                    p.copy_(torch.as_tensor(ckpt["teacher"].get(name, ckpt["params"][name])))
        self.optimizer.load_state(ckpt["optimizerStep"], ckpt["m"], ckpt["v"])
        self.state = self.objective.deserialize_state(ckpt["objectiveState"], self.options, self.k)
