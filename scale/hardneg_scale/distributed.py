"""torch.distributed plumbing: process-group set-up from torchrun's environment, and the
all-gather *with gradient* of features (as open_clip's gather_with_grad), so every rank
computes the contrastive loss over the whole global batch."""

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass
class Dist:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    #: A group of its own for the feature gathers, so they never interleave with DDP's all-reduces.
    gather_group: object = None

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def init_distributed(backend: str, device: str) -> Dist:
    """One process (no torchrun) or torchrun's WORLD_SIZE processes."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return Dist()
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device == "cuda":
        torch.cuda.set_device(local_rank)
    dist.init_process_group(backend=backend)
    return Dist(dist.get_rank(), dist.get_world_size(), local_rank, dist.new_group(backend=backend))


def shutdown(d: Dist) -> None:
    if d.world > 1 and dist.is_initialized():
        dist.destroy_process_group()


class _GatherWithGrad(torch.autograd.Function):
    """Forward: concatenate every rank's rows (rank order). Backward: every rank computed the
    same loss, so the gradient of this rank's rows is the sum of all ranks' gradients for
    them; DDP then averages the parameter gradients, which gives exactly the one-process one."""

    @staticmethod
    def forward(ctx, x, rank, world, group):
        ctx.rank, ctx.rows, ctx.group = rank, x.shape[0], group
        parts = [torch.empty_like(x) for _ in range(world)]
        dist.all_gather(parts, x.contiguous(), group=group)
        return torch.cat(parts, 0)

    @staticmethod
    def backward(ctx, grad):
        grad = grad.contiguous()
        dist.all_reduce(grad, group=ctx.group)
        return grad[ctx.rank * ctx.rows : (ctx.rank + 1) * ctx.rows], None, None, None


def gather(x: torch.Tensor | None, d: Dist) -> torch.Tensor | None:
    """All ranks' rows of `x` in rank order, differentiable; `x` itself with one process."""
    if x is None or d.world == 1:
        return x
    if not x.requires_grad:
        parts = [torch.empty_like(x) for _ in range(d.world)]
        dist.all_gather(parts, x.contiguous(), group=d.gather_group)
        return torch.cat(parts, 0)
    return _GatherWithGrad.apply(x, d.rank, d.world, d.gather_group)


def barrier(d: Dist) -> None:
    if d.world > 1:
        dist.barrier()
