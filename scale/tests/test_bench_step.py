"""`bench-step`: the PyTorch column of `npm run bench` (a CE-CLIP step timed on scale/'s
engine). Tiny model, few steps: the JSON's shape and finite, positive numbers."""

import json
import math
import os
import tempfile
import unittest

from helpers import TINY_CLIP, requires_torch, run_cli


@requires_torch
class BenchStepTest(unittest.TestCase):
    def check(self, result, batch: int, steps: int):
        self.assertEqual(result.returncode, 0, result.stderr)
        out = json.loads(result.stdout)
        self.assertEqual(out["batchSize"], batch)
        self.assertEqual(out["textsPerStep"], batch * 5)  # captions + 4 typed negatives
        self.assertEqual(len(out["msPerStep"]), steps)
        self.assertTrue(all(math.isfinite(ms) and ms > 0 for ms in out["msPerStep"]))
        self.assertEqual(out["medianMs"], sorted(out["msPerStep"])[steps // 2])
        self.assertEqual(out["device"], "cpu")
        self.assertIn("BLAS_INFO=", out["blas"])
        self.assertTrue(out["torch"])
        return out

    def test_a_model_folder_times_the_steps_on_one_thread_per_core_by_default(self):
        out = self.check(run_cli("bench-step", "--model", TINY_CLIP, "--batch", "4", "--steps", "3", "--warmup", "1"), 4, 3)
        self.assertEqual(out["threads"], os.cpu_count())
        self.assertEqual(out["cores"], os.cpu_count())
        self.assertEqual(out["parameters"], 162_369)  # the fixture's trainable parameters, as in TypeScript

    def test_a_config_alone_times_a_randomly_initialised_model(self):
        with open(os.path.join(TINY_CLIP, "config.json")) as f:
            config = json.load(f)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "config.json")
            with open(path, "w") as f:
                json.dump(config, f)
            out = self.check(run_cli("bench-step", "--config", path, "--batch", "2", "--steps", "1", "--warmup", "0",
                                     "--threads", "1"), 2, 1)
        self.assertEqual(out["threads"], 1)
        self.assertEqual(out["parameters"], 162_369)

    def test_text_length_sets_the_token_columns_and_the_longest_text_fills_them(self):
        import torch

        from hardneg_scale.bench_step import synthetic_batch

        with open(os.path.join(TINY_CLIP, "config.json")) as f:
            config = json.load(f)
        eos = config["text_config"]["eos_token_id"]
        _, ids = synthetic_batch(config, 3, 4, torch.Generator().manual_seed(0), 9)
        self.assertEqual(tuple(ids.shape), (15, 9))
        ends = [row.index(eos) for row in ids.tolist()]
        self.assertEqual(max(ends), 8)  # the batch's longest text ends in the last column
        out = self.check(run_cli("bench-step", "--model", TINY_CLIP, "--batch", "2", "--steps", "1", "--warmup", "0",
                                 "--text-length", "9"), 2, 1)
        self.assertEqual(out["textLength"], 9)
        result = run_cli("bench-step", "--model", TINY_CLIP, "--text-length", "99")
        self.assertEqual(result.returncode, 1)
        self.assertIn("text length must be between 3 and the context length", result.stderr)

    def test_bad_options_stop_with_one_line(self):
        result = run_cli("bench-step", "--model", TINY_CLIP, "--steps", "0")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.strip(), "error: --steps must be >= 1, got 0")
        result = run_cli("bench-step", "--batch", "2")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("one of the arguments --model --config is required", result.stderr)


if __name__ == "__main__":
    unittest.main()
