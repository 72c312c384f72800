"""`train --bundle <dir> --out <dir>`: a bundle's run on one or many processes (torchrun),
with checkpoints every n steps, --resume, rank-0 logging, and the output the app imports:
an HF model folder, metrics.csv and run.json (src/cli/trainRun.ts writes the same three)."""

import json
import os
import platform
import signal
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader

from .bundle import read_bundle
from .checkpoint import decode_checkpoint, encode_checkpoint, write_atomically
from .data import BatchPlan, Collate, Cursor, EpochBatchSampler, PairsDataset
from .distributed import barrier, init_distributed, shutdown
from .hf_folder import load_clip, save_clip
from .metrics_csv import json_safe, metrics_to_csv, parse_metrics_csv
from .objectives import get_objective
from .trainer import Engine, StepInput

CHECKPOINT_FILE = "checkpoint.safetensors"
#: Settings a resumed run may change: they do not alter the numbers.
RESUMABLE_CHANGES = {"evalEvery", "checkpointEvery"}


@dataclass
class TrainOptions:
    bundle: str
    out: str
    backend: str = "gloo"
    device: str = "cpu"
    precision: str = "fp32"
    resume: bool = False
    steps: int | None = None
    batch: int | None = None
    checkpoint_every: int | None = None
    log_every: int = 10
    workers: int = 0
    #: Testing aid: exit hard (as if killed) right after this step's checkpoint.
    kill_after_step: int | None = None


def _format_duration(seconds: float) -> str:
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


def _main_terms(terms: dict) -> str:
    """The objective's loss terms under the app's names (per-type values such as theta_0 left to metrics.csv)."""
    return " ".join(f"{name} {value:.4f}" for name, value in terms.items() if not name[-1].isdigit())


def _resolved_config(bundle, options: TrainOptions) -> dict:
    config = dict(bundle.train)
    overrides = (("steps", options.steps), ("batchSize", options.batch), ("checkpointEvery", options.checkpoint_every))
    for key, value in overrides:
        if value is not None:
            config[key] = value
    if config["batchSize"] > bundle.run["data"]["size"]:
        raise ValueError(f"batch size {config['batchSize']} exceeds the bundle's {bundle.run['data']['size']} examples")
    return config


def _check_resumable(saved: dict, config: dict, path: str) -> None:
    for key in config:
        before = json.dumps(saved.get(key), sort_keys=True)
        if key not in RESUMABLE_CHANGES and before != json.dumps(config[key], sort_keys=True):
            raise ValueError(f'{path}: "{key}" differs from the checkpoint\'s ({before}); resume with the same options')


def run_training(options: TrainOptions, log=lambda line: print(line, file=sys.stderr, flush=True)) -> dict:
    started = time.perf_counter()
    d = init_distributed(options.backend, options.device)
    try:
        return _train(options, d, started, log if d.is_main else (lambda _line: None))
    finally:
        shutdown(d)


def _device(options: TrainOptions, d) -> torch.device:
    if options.device == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("--device cuda: no CUDA device is available")
        return torch.device("cuda", d.local_rank)
    return torch.device("cpu")


def _train(options: TrainOptions, d, started: float, log) -> dict:
    bundle = read_bundle(options.bundle)
    config = _resolved_config(bundle, options)
    objective = get_objective(config["objective"])
    k = bundle.run["data"]["numNegativeTypes"] if objective.uses_hard_negatives else 0
    loaded = load_clip(bundle.model_dir)
    device = _device(options, d)
    engine = Engine(loaded, config, objective, k, d, device, options.precision)
    if bundle.run["objectiveState"]:
        engine.state = objective.deserialize_state(bundle.run["objectiveState"], engine.options, k)

    os.makedirs(options.out, exist_ok=True)
    checkpoint_path = os.path.join(options.out, CHECKPOINT_FILE)
    metrics_path = os.path.join(options.out, "metrics.csv")
    rows, step, cursor, resumed_from = [], 0, Cursor(), None
    if options.resume:
        if not os.path.isfile(checkpoint_path):
            raise ValueError(f"--resume: no checkpoint at {checkpoint_path}")
        with open(checkpoint_path, "rb") as f:
            ckpt = decode_checkpoint(f.read(), checkpoint_path)
        _check_resumable(ckpt["config"], config, checkpoint_path)
        engine.restore(ckpt)
        step, resumed_from = ckpt["step"], ckpt["step"]
        cursor = Cursor(ckpt["cursor"]["epoch"], ckpt["cursor"]["position"])
        if os.path.isfile(metrics_path):
            with open(metrics_path, encoding="utf-8") as f:
                rows = [r for r in parse_metrics_csv(f.read()) if r["step"] < step]
        log(f"resuming from step {step} of {config['steps']}")

    size, steps, batch = bundle.run["data"]["size"], config["steps"], config["batchSize"]
    plan = BatchPlan(config["seed"], size, batch)
    image_size = loaded.config["vision_config"]["image_size"]
    dataset = PairsDataset(bundle.pairs, image_size, k)
    sampler = EpochBatchSampler(plan, cursor, max(0, steps - step), d.rank, d.world)
    loader = DataLoader(
        dataset, batch_sampler=sampler, collate_fn=Collate(loaded.tokenizer), num_workers=options.workers,
        pin_memory=device.type == "cuda",
    )
    log(
        f"training {engine.trainable_count:,} parameters with {config['objective']} on {bundle.run['data']['name']} "
        f"({size} examples), {steps} steps of {batch} "
        f"({d.world} process{'es' if d.world > 1 else ''} x {batch // d.world}), "
        f"{device.type} {options.backend if d.world > 1 else ''}".rstrip()
    )

    stop = {"requested": False}

    def request_stop(_signum, _frame):
        stop["requested"] = True

    # Ctrl-C, or a scheduler's SIGTERM before it kills the job: finish the step, checkpoint, stop.
    previous_handlers = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def save_checkpoint():
        if d.is_main:
            data = encode_checkpoint(
                engine_step, cursor, config, engine.param_arrays(), engine.optimizer.state(),
                engine.serialized_state(), engine.teacher_arrays(),
            )
            write_atomically(checkpoint_path, data)
            write_atomically(metrics_path, metrics_to_csv(rows))
        barrier(d)

    first_step, engine_step, interrupted = step, step, False
    loop_started = time.perf_counter()
    try:
        for pixels, ids in loader:
            indices, next_cursor, new_epoch = plan.next(cursor)
            lr = engine.learning_rate(engine_step)
            mask = dataset.valid_mask(indices) if k else None
            packed = engine.step(StepInput(engine_step, cursor.epoch, new_epoch, pixels, ids, mask))
            rows.append(engine.metrics_row(packed.tolist(), engine_step, cursor.epoch, lr))
            engine_step, cursor = engine_step + 1, next_cursor
            last = engine_step == steps
            if engine_step % options.log_every == 0 or last:
                per_step = (time.perf_counter() - loop_started) / (engine_step - first_step)
                m = rows[-1]
                log(
                    f"step {engine_step}/{steps} loss {m['loss']:.4f} ({_main_terms(m['terms'])}) "
                    f"lr {m['lr']:.2e} grad {m['gradNorm']:.3f} | "
                    f"{per_step:.2f} s/step, {batch / per_step:.1f} images/s, "
                    f"ETA {_format_duration(per_step * (steps - engine_step))}"
                )
            if config["checkpointEvery"] > 0 and (engine_step % config["checkpointEvery"] == 0 or last):
                save_checkpoint()
            if options.kill_after_step is not None and engine_step == options.kill_after_step:
                os._exit(137)
            if _agreed_stop(stop["requested"], d) and not last:
                interrupted = True
                save_checkpoint()
                log(f"interrupted at step {engine_step}: checkpoint written, continue with --resume")
                break
    finally:
        for sig, handler in previous_handlers.items():
            signal.signal(sig, handler)
    loop_seconds = max(1e-9, time.perf_counter() - loop_started)

    steps_this_run = engine_step - first_step
    summary = {
        "out": options.out, "steps": engine_step, "resumedFromStep": resumed_from, "interrupted": interrupted,
        "seconds": round(time.perf_counter() - started, 2),
        "stepsPerSecond": round(steps_this_run / loop_seconds, 4),
        "imagesPerSecond": round(steps_this_run * batch / loop_seconds, 2),
        "finalLoss": rows[-1]["loss"] if rows else None,
    }
    if d.is_main:
        _write_outputs(options, bundle, loaded, engine, config, rows, summary, d, device, steps_this_run)
    barrier(d)
    return summary


def _agreed_stop(requested: bool, d) -> bool:
    """Every rank stops after the same step (any rank's Ctrl-C counts)."""
    if d.world == 1:
        return requested
    flag = torch.tensor([1.0 if requested else 0.0])
    dist.all_reduce(flag, op=dist.ReduceOp.MAX)
    return flag.item() > 0


def _write_outputs(options, bundle, loaded, engine, config, rows, summary, d, device, steps_this_run) -> None:
    save_clip(loaded, options.out, {
        "format": "pt", "trained_by": "HardNeg Lab scale/ (PyTorch DDP)", "steps": str(summary["steps"]),
    })
    write_atomically(os.path.join(options.out, "metrics.csv"), metrics_to_csv(rows))
    record = {
        "command": "scale train",
        "engine": {"python": platform.python_version(), "torch": torch.__version__},
        "bundle": options.bundle,
        "data": bundle.run["data"]["name"],
        "dataSize": bundle.run["data"]["size"],
        "out": options.out,
        "worldSize": d.world,
        "batchPerProcess": config["batchSize"] // d.world,
        "backend": options.backend if d.world > 1 else None,
        "device": device.type,
        "precision": options.precision,
        "resume": options.resume,
        "config": config,
        "objectiveOptionsResolved": engine.options,
        "trainableParameters": engine.trainable_count,
        "stepsDone": summary["steps"],
        "resumedFromStep": summary["resumedFromStep"],
        "interrupted": summary["interrupted"],
        "stepsThisRun": steps_this_run,
        "seconds": summary["seconds"],
        "stepsPerSecond": summary["stepsPerSecond"],
        "imagesPerSecond": summary["imagesPerSecond"],
        "finalMetrics": rows[-1] if rows else None,
        "finalEval": None,
        "evals": [],
        "finishedAt": datetime.now(timezone.utc).isoformat(),
    }
    write_atomically(os.path.join(options.out, "run.json"), json.dumps(json_safe(record), indent=2) + "\n")
