"""The bundle's examples as a torch Dataset, and the batch order of the browser engine
(src/core/train/batches.ts): per epoch a seeded permutation, consecutive global batches of
`batchSize`, the tail dropped. `EpochBatchSampler` is the DistributedSampler of this order:
rank r of N gets rows [r b, (r + 1) b) of every global batch (b = batchSize / N), so N
processes see exactly the examples one process at batch N b sees, in the same order.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset, Sampler

from .preprocess import load_image
from .rng import epoch_order


@dataclass(frozen=True)
class Cursor:
    epoch: int = 0
    #: Index of the next example within the epoch's order.
    position: int = 0


class BatchPlan:
    """nextBatchIndices as a stream: global batches from a cursor, epoch orders cached."""

    def __init__(self, seed: int, size: int, batch: int):
        if batch > size:
            raise ValueError(f"batch size {batch} exceeds the {size} training examples")
        self.seed, self.size, self.batch = seed, size, batch
        self._orders = {}

    def order(self, epoch: int) -> list:
        if epoch not in self._orders:
            self._orders = {epoch: epoch_order(self.seed, epoch, self.size)}  # keep one epoch in memory
        return self._orders[epoch]

    def next(self, cursor: Cursor):
        """(global indices, cursor after, whether this batch starts an epoch)."""
        epoch, position = cursor.epoch, cursor.position
        new_epoch = position == 0
        if position + self.batch > self.size:
            epoch, position, new_epoch = epoch + 1, 0, True
        indices = self.order(epoch)[position : position + self.batch]
        return indices, Cursor(epoch, position + self.batch), new_epoch


class EpochBatchSampler(Sampler):
    """Yields this rank's slice of each global batch for `steps` steps from `cursor`."""

    def __init__(self, plan: BatchPlan, cursor: Cursor, steps: int, rank: int = 0, world: int = 1):
        if plan.batch % world:
            raise ValueError(f"batch size {plan.batch} is not divisible by the {world} processes")
        self.plan, self.cursor, self.steps, self.rank, self.world = plan, cursor, steps, rank, world
        self.local = plan.batch // world

    def __len__(self):
        return self.steps

    def __iter__(self):
        plan = BatchPlan(self.plan.seed, self.plan.size, self.plan.batch)  # own cache: may run in a worker
        cursor = self.cursor
        for _ in range(self.steps):
            indices, cursor, _new = plan.next(cursor)
            yield indices[self.rank * self.local : (self.rank + 1) * self.local]


class PairsDataset(Dataset):
    """Example i: (CHW float32 pixels, caption, K negatives) from the bundle's pairs."""

    def __init__(self, pairs: list, image_size: int, k: int):
        self.pairs, self.image_size, self.k = pairs, image_size, k

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index: int):
        pair = self.pairs[index]
        try:
            pixels = load_image(pair["image"], self.image_size)
        except OSError as e:
            raise ValueError(f"{pair['image']}: cannot read the image: {e}") from None
        return pixels, pair["caption"], pair["negatives"][: self.k]

    def valid_mask(self, indices) -> torch.Tensor:
        """[len(indices), K] validity, straight from the pairs (no image is read)."""
        rows = [self.pairs[i]["valid"][: self.k] for i in indices]
        return torch.tensor(rows, dtype=torch.float32).reshape(-1, self.k)


class Collate:
    """Stacks pixels and tokenises captions then negatives (sample-major) into one id batch."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, items):
        pixels = torch.from_numpy(np.stack([item[0] for item in items]))
        texts = [item[1] for item in items] + [neg for item in items for neg in item[2]]
        return pixels, self.tokenizer.encode(texts)


def token_mask(input_ids: torch.Tensor, pooled: torch.Tensor) -> torch.Tensor:
    """1 for tokens in token-level losses: words and end-of-text (not start, not padding)."""
    positions = torch.arange(input_ids.shape[1], device=input_ids.device)
    return ((positions >= 1) & (positions <= pooled.unsqueeze(1))).float()
