"""The command line: `verify-objective` with the TypeScript checker's checks, tolerances and
exit codes; bad bundles stop `check-bundle` and `train` with one line naming file and field."""

import contextlib
import copy
import io
import json
import os
import unittest

from helpers import FIXTURES, TempDirCase, requires_torch, run_cli, write_bundle

LOSS_FIXTURES = [os.path.join(FIXTURES, "losses", f) for f in ("ceclip.json", "fsc_clip.json", "degla.json")]


@requires_torch
class VerifyObjectiveTest(TempDirCase):
    def test_every_shared_reference_file_passes(self):
        for path in LOSS_FIXTURES:
            with self.subTest(file=os.path.basename(path)):
                result = run_cli("verify-objective", path)
                self.assertEqual(result.returncode, 0, result.stderr)
                report = json.loads(result.stdout)
                self.assertTrue(report["pass"])
                self.assertEqual(report["tolerances"], {"loss": 1e-4, "grad": 1e-3})
                for case in report["cases"]:
                    self.assertLessEqual(case["maxRelLossDiff"], 1e-4)
                    self.assertLessEqual(case["maxRelGradDiff"], 1e-3)

    def test_a_wrong_reference_value_fails_with_exit_code_1(self):
        with open(LOSS_FIXTURES[0]) as f:
            cases = json.load(f)
        broken = copy.deepcopy(cases)
        broken["cases"][0]["expected"]["cmr_loss"] += 1e-3
        broken["cases"][1]["grad"]["logit_scale_log"] *= 1.01
        path = os.path.join(self.tmp, "broken.json")
        with open(path, "w") as f:
            json.dump(broken, f)
        result = run_cli("verify-objective", path)
        self.assertEqual(result.returncode, 1)
        report = json.loads(result.stdout)
        self.assertFalse(report["pass"])
        self.assertFalse(report["cases"][0]["details"]["cmr_loss"]["pass"])
        self.assertFalse(report["cases"][1]["details"]["grad.logit_scale_log"]["pass"])
        self.assertTrue(report["cases"][2]["pass"])

    def test_an_unreadable_file_is_one_line_and_exit_code_1(self):
        path = os.path.join(self.tmp, "cases.json")
        with open(path, "w") as f:
            json.dump({"cases": [{"inputs": {"mystery": 1}, "expected": {}}]}, f)
        result = run_cli("verify-objective", path)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.count("\n"), 1)
        self.assertIn("no fixture adapter recognises case 0", result.stderr)


@requires_torch
class BadBundleTest(TempDirCase):
    def setUp(self):
        super().setUp()
        self.bundle = write_bundle(os.path.join(self.tmp, "bundle"), size=8)

    def edit_json(self, relative, change):
        path = os.path.join(self.bundle, relative)
        with open(path) as f:
            data = json.load(f)
        change(data)
        with open(path, "w") as f:
            json.dump(data, f)

    def edit_line(self, number, change):
        path = os.path.join(self.bundle, "data", "pairs.jsonl")
        with open(path) as f:
            lines = f.read().splitlines()
        line = json.loads(lines[number - 1])
        change(line)
        lines[number - 1] = json.dumps(line)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def assertStops(self, message: str, command: str = "check-bundle"):
        """scale/cli.py's main, in-process (a subprocess per case would mostly time torch's import)."""
        import cli

        args = ["train", "--bundle", self.bundle, "--out", os.path.join(self.tmp, "out")] if command == "train" else [command, self.bundle]
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli.main(args)
        self.assertEqual(code, 1, stdout.getvalue())
        self.assertEqual(stderr.getvalue().count("\n"), 1, stderr.getvalue())  # one line
        self.assertIn(message, stderr.getvalue())

    def test_a_good_bundle_checks_out_and_a_bad_one_stops_the_launched_cli(self):
        result = run_cli("check-bundle", self.bundle)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(json.loads(result.stdout)["parameters"], 162369)
        os.remove(os.path.join(self.bundle, "data", "images", "000000.png"))
        result = run_cli("train", "--bundle", self.bundle, "--out", os.path.join(self.tmp, "out"))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr, f'error: {self.bundle}/data/pairs.jsonl line 1: field "image": file {self.bundle}/data/images/000000.png not found\n')

    def test_missing_image(self):
        os.remove(os.path.join(self.bundle, "data", "images", "000003.png"))
        self.assertStops(f'pairs.jsonl line 4: field "image": file {self.bundle}/data/images/000003.png not found', "train")

    def test_schema_version_mismatch(self):
        self.edit_json("run.json", lambda run: run.update(version=2))
        self.assertStops('run.json: field "version": bundle version 2 is not supported (this reader knows version 1)', "train")

    def test_truncated_safetensors(self):
        path = os.path.join(self.bundle, "model", "model.safetensors")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:-100])
        self.assertStops("model/model.safetensors: safetensors: tensor", "train")
        self.assertStops("extend past the data section", "train")

    def test_negatives_of_the_wrong_count(self):
        self.edit_line(2, lambda line: line["negatives"].pop())
        self.assertStops('pairs.jsonl line 2: field "negatives": 1 entries, run.json says numNegativeTypes = 2')

    def test_other_schema_errors_name_the_field(self):
        self.edit_json("run.json", lambda run: run["train"].update(batchSize=0))
        self.assertStops('run.json: field "train.batchSize": must be > 0, got 0')
        self.edit_json("run.json", lambda run: run["train"].update(batchSize=4, objectiveOptions={"upperBund": 3}))
        self.assertStops('run.json: field "train.objectiveOptions.upperBund": ceclip has no such option')
        self.edit_json("run.json", lambda run: run["train"].update(objectiveOptions={}, objective="ceclip+imageneg"))
        self.assertStops('run.json: field "train.objective": unknown objective "ceclip+imageneg"')
        self.edit_json("run.json", lambda run: run.update(objectiveState={"thresholds": [1, 2, 3]}) or run["train"].update(objective="ceclip"))
        self.assertStops('run.json: field "objectiveState": state.thresholds must be 2 finite numbers')
        self.edit_json("run.json", lambda run: run.update(objectiveState={}))
        self.edit_line(5, lambda line: line.update(valid=[1, 2]))
        self.assertStops('pairs.jsonl line 5: field "valid.1": 2 matches none of the allowed forms')


if __name__ == "__main__":
    unittest.main()
