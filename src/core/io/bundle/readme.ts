import type { RunBundle } from "./schema.js";

/** README.md of a run bundle: what it holds and how to launch it with torchrun. */
export function bundleReadme(run: RunBundle): string {
  const t = run.train;
  const state = Object.keys(run.objectiveState).length
    ? `Carried objective state (used from step 0): \`${JSON.stringify(run.objectiveState)}\`.`
    : "The objective carries no state.";
  return `# HardNeg Lab run bundle

A training run exported from HardNeg Lab for \`scale/\`, the same engine in PyTorch with
DistributedDataParallel: ${t.objective} for ${t.steps} steps at a global batch of ${t.batchSize}
(lr ${t.lr}, seed ${t.seed}) on ${run.data.size} examples of ${run.data.name}
(${run.data.numNegativeTypes} hard negatives each), starting from the model in \`${run.model.path}/\`
(${run.model.parameters.toLocaleString("en-US")} parameters). ${state}

- \`run.json\`: format ${run.format} version ${run.version}, every training setting.
- \`${run.model.path}/\`: the starting model, a Hugging Face CLIP folder.
- \`${run.data.pairs}\`: one example per line (image, caption, negatives, their types, validity).

## Launch

Needs Python >= 3.11 with PyTorch >= 1.13, numpy and Pillow, and HardNeg Lab's \`scale/\` folder.
Check the bundle, then train on one machine with N processes (the global batch is split over
them; N must divide ${t.batchSize}):

    python3 scale/cli.py check-bundle <this folder>
    torchrun --nproc_per_node 8 scale/cli.py train --bundle <this folder> --out run-out --backend nccl --device cuda

On several machines, run the same line on each, with the node count and a rendezvous address:

    torchrun --nnodes 2 --nproc_per_node 8 --rdzv-backend c10d --rdzv-endpoint <host>:29500 --rdzv-id ${t.objective}-run \\
      scale/cli.py train --bundle <this folder> --out run-out --backend nccl --device cuda

On CPUs use \`--backend gloo --device cpu\`; add \`--precision bf16\` for bf16 autocast on GPUs and
\`--workers 4\` to decode images in the background. With Debian 12's python3-torch (1.13 on Python
3.11) \`torchrun\` fails on a torch bug: \`python3 scale/torchrun.py\` takes the same options.
A checkpoint is written every ${t.checkpointEvery || "n"} steps${t.checkpointEvery ? "" : " (set with --checkpoint-every)"}; \`--resume\` continues it.

\`run-out/\` then holds the trained model (HF folder), \`metrics.csv\` and \`run.json\`: import
that folder (or a zip of it) in HardNeg Lab's Export panel to see its curves beside the browser's.
`;
}
