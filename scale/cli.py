#!/usr/bin/env python3
"""HardNeg Lab scale-out: the browser's training engine in PyTorch, data-parallel (DDP).

    python3 scale/cli.py verify-objective <cases.json>
    python3 scale/cli.py check-bundle <bundle-dir>
    torchrun --nproc_per_node <n> scale/cli.py train --bundle <dir> --out <dir> \
        [--backend gloo|nccl] [--device cpu|cuda]
    python3 scale/cli.py embed --model <dir> --texts <texts.json> --images a.png b.png
    python3 scale/cli.py bench-step (--model <dir> | --config <config.json>) [--batch 64] [--steps 10] \
        [--warmup 2] [--device cpu|cuda] [--threads n]

Every command prints JSON on stdout; errors print one line on stderr and exit non-zero.
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # keep the checkout free of __pycache__ folders

from hardneg_scale.bundle import BundleError, read_bundle  # noqa: E402
from hardneg_scale.hf_folder import ModelFolderError  # noqa: E402
from hardneg_scale.metrics_csv import json_safe  # noqa: E402


class UsageError(ValueError):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{self.prog}: {message}")


def _print(value) -> None:
    print(json.dumps(json_safe(value), indent=2))


def cmd_verify_objective(args) -> int:
    from hardneg_scale.verify import GRAD_TOLERANCE, LOSS_TOLERANCE, verify_objective_cases

    try:
        with open(args.cases, encoding="utf-8") as f:
            file_json = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{args.cases}: {e}") from None
    result = verify_objective_cases(file_json)
    _print({
        "file": args.cases, "pass": result["pass"], "tolerances": {"loss": LOSS_TOLERANCE, "grad": GRAD_TOLERANCE},
        "cases": result["cases"],
    })
    return 0 if result["pass"] else 1


def cmd_check_bundle(args) -> int:
    from hardneg_scale.hf_folder import load_clip

    bundle = read_bundle(args.bundle)
    loaded = load_clip(bundle.model_dir)
    train = bundle.train
    _print({
        "bundle": args.bundle, "objective": train["objective"], "steps": train["steps"],
        "batchSize": train["batchSize"],
        "examples": bundle.run["data"]["size"], "numNegativeTypes": bundle.run["data"]["numNegativeTypes"],
        "parameters": sum(p.numel() for p in loaded.model.parameters()), "warnings": loaded.warnings,
    })
    return 0


def cmd_train(args) -> int:
    from hardneg_scale.run import TrainOptions, run_training

    summary = run_training(TrainOptions(
        bundle=args.bundle, out=args.out, backend=args.backend, device=args.device, precision=args.precision,
        resume=args.resume, steps=args.steps, batch=args.batch, checkpoint_every=args.checkpoint_every,
        log_every=args.log_every, workers=args.workers, kill_after_step=args.kill_after_step,
    ))
    if os.environ.get("RANK", "0") == "0":
        print(json.dumps(json_safe(summary)))
    return 130 if summary["interrupted"] else 0


def cmd_embed(args) -> int:
    import numpy as np
    import torch

    from hardneg_scale.hf_folder import load_clip
    from hardneg_scale.objectives.base import l2_normalize
    from hardneg_scale.preprocess import load_image

    texts = []
    if args.texts:
        with open(args.texts, encoding="utf-8") as f:
            texts = json.load(f)
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            raise ValueError(f"{args.texts} must hold a JSON array of strings")
    if not texts and not args.images:
        raise UsageError("give --texts and/or --images")
    loaded = load_clip(args.model)
    out = {}
    with torch.no_grad():
        if texts:
            ids = loaded.tokenizer.encode(texts)
            out["input_ids"] = ids.tolist()
            text = l2_normalize(loaded.model.encode_text(ids)[0])
            out["text_embeds"] = text.tolist()
        if args.images:
            size = loaded.config["vision_config"]["image_size"]
            pixels = torch.from_numpy(np.stack([load_image(p, size) for p in args.images]))
            image = l2_normalize(loaded.model.encode_image(pixels)[0])
            out["image_embeds"] = image.tolist()
        if texts and args.images:
            out["logits_per_image"] = (loaded.model.logit_scale.exp() * image @ text.T).tolist()
    print(json.dumps(out))
    return 0


def cmd_bench_step(args) -> int:
    from hardneg_scale.bench_step import bench_step

    print(json.dumps(bench_step(
        model_dir=args.model, config_path=args.config, batch=args.batch, steps=args.steps, warmup=args.warmup,
        device=args.device, threads=args.threads, text_length=args.text_length,
    )))
    return 0


def build_parser() -> Parser:
    parser = Parser(prog="scale/cli.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    verify = sub.add_parser("verify-objective", help="check an objective against a reference-case file")
    verify.add_argument("cases")
    verify.set_defaults(run=cmd_verify_objective)

    check = sub.add_parser("check-bundle", help="validate a run bundle and its model")
    check.add_argument("bundle")
    check.set_defaults(run=cmd_check_bundle)

    train = sub.add_parser("train", help="train a run bundle (one process, or one per GPU under torchrun)")
    train.add_argument("--bundle", required=True, help="run bundle folder (unzipped)")
    train.add_argument("--out", required=True, help="output folder: HF model, metrics.csv, run.json, checkpoint")
    train.add_argument("--backend", choices=("gloo", "nccl"), default="gloo", help="torch.distributed backend")
    train.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    train.add_argument("--precision", choices=("fp32", "bf16"), default="fp32", help="bf16: autocast the forward pass")
    train.add_argument("--resume", action="store_true", help="continue from --out's checkpoint")
    train.add_argument("--steps", type=int, help="override the bundle's step count")
    train.add_argument("--batch", type=int, help="override the bundle's global batch (split over the processes)")
    train.add_argument("--checkpoint-every", type=int, help="override the bundle's checkpoint cadence (0: off)")
    train.add_argument("--log-every", type=int, default=10)
    train.add_argument("--workers", type=int, default=0, help="data-loading worker processes per rank")
    train.add_argument("--kill-after-step", type=int, help=argparse.SUPPRESS)
    train.set_defaults(run=cmd_train)

    embed = sub.add_parser("embed", help="embed texts and images as the app's `embed` does")
    embed.add_argument("--model", required=True)
    embed.add_argument("--texts")
    embed.add_argument("--images", nargs="*", default=[])
    embed.set_defaults(run=cmd_embed)

    bench = sub.add_parser("bench-step", help="time CE-CLIP training steps (npm run bench's PyTorch column)")
    source = bench.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", help="HF model folder")
    source.add_argument("--config", help="config.json of a model initialised at random")
    bench.add_argument("--batch", type=int, default=64)
    bench.add_argument("--steps", type=int, default=10)
    bench.add_argument("--warmup", type=int, default=2)
    bench.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    bench.add_argument("--threads", type=int, help="CPU threads (default: one per core)")
    bench.add_argument("--text-length", type=int,
                       help="token columns of the texts (default: the context length; npm run bench passes the "
                            "length its tfjs step trims its batches to)")
    bench.set_defaults(run=cmd_bench_step)
    return parser


def main(argv) -> int:
    try:
        args = build_parser().parse_args(argv)
        for name, least in (("steps", 1), ("batch", 1), ("log_every", 1), ("checkpoint_every", 0), ("workers", 0),
                             ("warmup", 0), ("threads", 1)):
            value = getattr(args, name, None)
            if value is not None and value < least:
                raise UsageError(f"--{name.replace('_', '-')} must be >= {least}, got {value}")
        return args.run(args)
    except (ValueError, OSError, RuntimeError) as e:
        # Bundle and model problems read the same on every rank: let rank 0 say it once.
        if os.environ.get("RANK", "0") == "0" or not isinstance(e, (BundleError, ModelFolderError)):
            print(f"error: {str(e).splitlines()[0] if str(e) else type(e).__name__}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
