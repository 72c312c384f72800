"""The pieces of the engine against references: Hugging Face's outputs (tokenizer, image
processor, CLIPModel features), the browser's numbers (batch order, JavaScript number
printing), a strict safetensors round trip, the optimiser rules and DeGLA's EMA cases."""

import json
import math
import os
import re
import struct
import unittest

from helpers import FIXTURES, TINY_CLIP, TempDirCase, requires_torch

if True:  # imported after helpers put scale/ on the path
    from hardneg_scale.json_schema import SchemaError, validate
    from hardneg_scale.metrics_csv import js_number, metrics_to_csv, parse_metrics_csv
    from hardneg_scale.rng import epoch_order


def load_json(*parts):
    with open(os.path.join(*parts), encoding="utf-8") as f:
        return json.load(f)


class BrowserNumbersTest(unittest.TestCase):
    def test_epoch_order_is_the_browsers(self):
        # epochOrder(seed, epoch, size) printed by src/core/train/batches.ts.
        expected = {
            (0, 0, 10): [4, 1, 8, 3, 7, 6, 2, 9, 5, 0],
            (0, 1, 10): [1, 3, 2, 9, 8, 0, 6, 5, 7, 4],
            (7, 3, 25): [0, 23, 18, 15, 9, 3, 12, 5, 7, 24, 19, 1, 17, 11, 16, 21, 6, 2, 10, 13, 4, 14, 8, 22, 20],
            (123456, 2, 13): [3, 10, 5, 1, 12, 11, 7, 4, 6, 2, 0, 8, 9],
            (2**31, 5, 8): [7, 6, 2, 5, 4, 0, 1, 3],
        }
        for (seed, epoch, size), order in expected.items():
            self.assertEqual(epoch_order(seed, epoch, size), order)

    def test_numbers_print_as_javascript_does(self):
        # String(x) in Node for each value.
        cases = [
            (0.001, "0.001"), (1e-5, "0.00001"), (1e-7, "1e-7"), (1.2345678901234569e23, "1.2345678901234569e+23"),
            (0.1 + 0.2, "0.30000000000000004"), (-2.5e-10, "-2.5e-10"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (5, "5"), (3.0, "3"), (float("nan"), "NaN"), (0.0, "0"),
        ]
        for value, text in cases:
            self.assertEqual(js_number(value), text)

    def test_metrics_csv_round_trip(self):
        rows = [
            {"step": 0, "epoch": 0, "lr": 1e-3, "loss": 2.5, "terms": {"itc": 1.25, "theta_0": 0.0}, "gradNorm": 3.0, "logitScale": 14.28, "applied": True},
            {"step": 1, "epoch": 0, "lr": 2e-3, "loss": 2.0, "terms": {"itc": 1.0, "theta_0": float("nan")}, "gradNorm": 2.0, "logitScale": 14.3, "applied": False},
        ]
        text = metrics_to_csv(rows)
        self.assertEqual(text.splitlines()[0], "step,epoch,lr,loss,itc,theta_0,grad_norm,logit_scale,applied")
        self.assertEqual(text.splitlines()[2], "1,0,0.002,2,1,NaN,2,14.3,0")
        back = parse_metrics_csv(text)
        self.assertEqual(back[0], rows[0])
        self.assertTrue(math.isnan(back[1]["terms"]["theta_0"]))
        self.assertFalse(back[1]["applied"])


class JsonSchemaTest(unittest.TestCase):
    SCHEMA = {
        "type": "object", "additionalProperties": False, "required": ["n"],
        "properties": {
            "n": {"type": "integer", "exclusiveMinimum": 0},
            "mode": {"default": "mean", "type": "string"},
            "flags": {"type": "array", "items": {"anyOf": [{"type": "number", "const": 0}, {"type": "number", "const": 1}]}},
        },
    }

    def test_fills_defaults_and_names_the_bad_field(self):
        self.assertEqual(validate({"n": 3}, self.SCHEMA), {"n": 3, "mode": "mean"})
        for instance, message in (
            ({}, 'field "n": is required'),
            ({"n": 0}, 'field "n": must be > 0, got 0'),
            ({"n": 1.5}, 'field "n": expected integer, got 1.5'),
            ({"n": 1, "x": 2}, 'field "x": is not a known field'),
            ({"n": 1, "flags": [1, 2]}, 'field "flags.1": 2 matches none of the allowed forms'),
        ):
            with self.assertRaises(SchemaError) as caught:
                validate(instance, self.SCHEMA)
            self.assertEqual(str(caught.exception), message)

    def test_refuses_keywords_it_does_not_implement(self):
        with self.assertRaisesRegex(ValueError, "unsupported keyword"):
            validate(1, {"type": "number", "multipleOf": 2})


@requires_torch
class SafetensorsTest(TempDirCase):
    def test_round_trip_keeps_names_shapes_and_scalars(self):
        import numpy as np

        from hardneg_scale.safetensors_io import read_safetensors, write_safetensors

        tensors = {"b": np.arange(6, dtype=np.float32).reshape(2, 3), "a": np.float32(2.5), "c": np.zeros((0, 4))}
        data = write_safetensors(tensors, {"note": "x"})
        (length,) = struct.unpack("<Q", data[:8])
        self.assertEqual((8 + length) % 8, 0)  # data section 8-byte aligned
        back, metadata, skipped = read_safetensors(data)
        self.assertEqual(list(back), ["a", "b", "c"])  # sorted, as HF writes them
        self.assertEqual(back["a"].shape, ())
        self.assertTrue((back["b"] == tensors["b"]).all())
        self.assertEqual(metadata, {"format": "pt", "note": "x"})
        self.assertEqual(skipped, [])

    def test_reads_f16_and_bf16_and_refuses_broken_files(self):
        import numpy as np

        from hardneg_scale.safetensors_io import SafetensorsError, read_safetensors

        def file(header, body):
            text = json.dumps(header).encode()
            return struct.pack("<Q", len(text)) + text + body

        half = np.array([1.5, -2.0], dtype="<f2").tobytes()
        bf16 = struct.pack("<HH", 0x3FC0, 0xC000)  # 1.5, -2.0
        both, _, _ = read_safetensors(file({
            "h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
            "b": {"dtype": "BF16", "shape": [2], "data_offsets": [4, 8]},
        }, half + bf16))
        self.assertEqual(both["h"].tolist(), [1.5, -2.0])
        self.assertEqual(both["b"].tolist(), [1.5, -2.0])
        entry = {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}
        for data, message in (
            (file({"w": entry}, bytes(12)), 'tensor "w": data_offsets [0, 16] extend past the data section (12 bytes)'),
            (file({"w": entry}, bytes(20)), 'data section has 4 unused bytes after tensor "w"'),
            (file({"w": {**entry, "shape": [3]}}, bytes(16)), 'tensor "w": shape [3] of F32 needs 12 bytes'),
            (b"\x01\x00", "too short for the 8-byte header length"),
        ):
            with self.assertRaisesRegex(SafetensorsError, re.escape(message)):
                read_safetensors(data)


@requires_torch
class HuggingFaceReferenceTest(unittest.TestCase):
    """test/fixtures: outputs of transformers' CLIPTokenizer, CLIPImageProcessor and CLIPModel."""

    def test_image_processor_is_byte_exact(self):
        import numpy as np

        from hardneg_scale.preprocess import load_image

        expected = load_json(FIXTURES, "hf_preprocess", "expected.json")
        for size in (32, 64):
            for i, name in enumerate(expected["files"]):
                ours = load_image(os.path.join(FIXTURES, "hf_preprocess", name), size)
                # One uint8 step is ~0.014; the fixture rounds to 5 decimals.
                self.assertLess(float(np.abs(ours - np.array(expected[f"pixel_values_{size}_pil"][i])).max()), 2e-5, name)

    def test_tokenizer_and_features_match_transformers(self):
        import numpy as np
        import torch

        from hardneg_scale.hf_folder import load_clip
        from hardneg_scale.preprocess import load_image

        expected = load_json(TINY_CLIP, "expected.json")
        loaded = load_clip(TINY_CLIP)
        ids = loaded.tokenizer.encode(expected["texts"])
        self.assertEqual(ids.tolist(), expected["input_ids"])
        pixels = torch.from_numpy(np.stack([load_image(os.path.join(TINY_CLIP, f"image{i}.png"), 32) for i in range(5)]))
        with torch.no_grad():
            out = loaded.model(pixels, ids)
        self.assertLess(float((out["image"] - torch.tensor(expected["image_features"])).abs().max()), 1e-5)
        self.assertLess(float((out["text"] - torch.tensor(expected["text_features"])).abs().max()), 1e-5)
        self.assertAlmostEqual(float(out["logit_scale_log"].exp()), expected["logit_scale"], places=4)

    def test_save_and_load_round_trip(self):
        import tempfile

        import torch

        from hardneg_scale.hf_folder import load_clip, save_clip

        loaded = load_clip(TINY_CLIP)
        with tempfile.TemporaryDirectory() as out:
            save_clip(loaded, out, {"note": "round trip"})
            again = load_clip(out)
        for name, value in loaded.model.state_dict().items():
            self.assertTrue(torch.equal(value, again.model.state_dict()[name]), name)
        self.assertEqual(again.tokenizer.encode(["a red cube"]).tolist(), loaded.tokenizer.encode(["a red cube"]).tolist())


@requires_torch
class OptimiserTest(unittest.TestCase):
    def test_schedule_decay_and_freezing_rules(self):
        from hardneg_scale.optim import decays, is_trainable, learning_rate_at

        self.assertEqual(learning_rate_at(0, 1e-3, 4, 10), 2.5e-4)
        self.assertEqual(learning_rate_at(4, 1e-3, 4, 10), 1e-3)
        self.assertAlmostEqual(learning_rate_at(7, 1e-3, 4, 10, 1e-4), 1e-4 + 0.45e-3, places=12)
        self.assertEqual(learning_rate_at(20, 1e-3, 4, 10), 0)
        self.assertTrue(decays("text_model.encoder.layers.0.mlp.fc1.weight", [4, 4]))
        for name, shape in (("text_model.embeddings.token_embedding.weight", [9, 4]), ("logit_scale", []), ("x.bias", [4])):
            self.assertFalse(decays(name, shape))
        model = {"text_config": {"num_hidden_layers": 2}, "vision_config": {"num_hidden_layers": 2}}
        freeze = {"textTower": False, "visionTower": False, "embeddings": False, "firstBlocks": 0, "lastBlocks": 1}
        self.assertFalse(is_trainable("vision_model.encoder.layers.0.mlp.fc1.weight", freeze, model))
        self.assertTrue(is_trainable("vision_model.encoder.layers.1.mlp.fc1.weight", freeze, model))
        self.assertTrue(is_trainable("vision_model.post_layernorm.weight", freeze, model))
        self.assertFalse(is_trainable("text_model.embeddings.token_embedding.weight", freeze, model))
        self.assertTrue(is_trainable("text_projection.weight", {**freeze, "lastBlocks": 0, "visionTower": True}, model))

    def test_flat_adamw_equals_torch_adamw_and_skips_non_finite_steps(self):
        import torch

        from hardneg_scale.optim import FlatAdamW

        torch.manual_seed(0)
        mine = [("layer.weight", torch.nn.Parameter(torch.randn(3, 4))), ("layer.bias", torch.nn.Parameter(torch.randn(4)))]
        ref = [torch.nn.Parameter(p.detach().clone()) for _, p in mine]
        ours = FlatAdamW(mine, weight_decay=0.1)
        theirs = torch.optim.AdamW([{"params": [ref[0]], "weight_decay": 0.1}, {"params": [ref[1]], "weight_decay": 0.0}], lr=1e-2, betas=(0.9, 0.98), eps=1e-6)
        for step in range(3):
            grads = [torch.randn_like(p) for _, p in mine]
            for (_, p), r, g in zip(mine, ref, grads):
                p.grad, r.grad = g.clone(), g.clone()
            ours.apply(1e-2, torch.tensor(1.0))
            theirs.step()
        for (_, p), r in zip(mine, ref):
            self.assertLess(float((p - r).abs().max()), 1e-6)
        before = [p.detach().clone() for _, p in mine]
        _, applied = ours.apply(1e-2, torch.tensor(float("nan")))
        self.assertEqual(float(applied), 0)
        self.assertEqual(float(ours.applied_steps), 3)
        for (_, p), b in zip(mine, before):
            self.assertTrue(torch.equal(p.detach(), b))

    def test_ema_matches_the_degla_reference_cases(self):
        import torch

        from hardneg_scale.optim import ema_update

        for case in load_json(FIXTURES, "losses", "degla.json")["ema"]:
            teacher = {"w": torch.tensor(case["teacher"], dtype=torch.float32)}
            ema_update(teacher, {"w": torch.tensor(case["student"], dtype=torch.float32)}, case["alpha"])
            self.assertLess(float((teacher["w"] - torch.tensor(case["teacher_after"])).abs().max()), 1e-6)


if __name__ == "__main__":
    unittest.main()
