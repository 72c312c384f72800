"""Reads and checks a run bundle (src/core/io/bundle/): run.json against the same schema the
browser's zod checks (run_bundle.schema.json), the objective's options and carried state,
and every line of data/pairs.jsonl. Each problem stops with one line naming the file, the
line where there is one, and the field."""

import json
import os
from dataclasses import dataclass

from .json_schema import SchemaError, validate
from .objectives import get_objective

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "run_bundle.schema.json")


class BundleError(ValueError):
    pass


@dataclass
class Bundle:
    root: str
    #: run.json, validated, defaults filled in; train.objectiveOptions resolved.
    run: dict
    #: One dict per line of pairs.jsonl: image (absolute path), caption, negatives, valid.
    pairs: list

    @property
    def model_dir(self) -> str:
        return os.path.join(self.root, self.run["model"]["path"])

    @property
    def train(self) -> dict:
        return self.run["train"]


def load_schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def _read_json(path: str):
    if not os.path.isfile(path):
        raise BundleError(f"{path}: file not found (is this a run bundle folder? unzip a bundle .zip first)")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise BundleError(f"{path}: not valid JSON: {e}") from None


def parse_run_json(raw, path: str, schema: dict) -> dict:
    head = raw if isinstance(raw, dict) else {}
    if head.get("format") != schema["format"]:
        got = json.dumps(head.get("format"))
        raise BundleError(f'{path}: field "format": expected "{schema["format"]}", got {got}')
    if head.get("version") != schema["version"]:
        raise BundleError(
            f'{path}: field "version": bundle version {json.dumps(head.get("version"))} is not supported '
            f'(this reader knows version {schema["version"]})'
        )
    try:
        run = validate(raw, schema["runJson"])
    except SchemaError as e:
        raise BundleError(f"{path}: {e}") from None
    data = run["data"]
    if len(data["negativeTypes"]) != data["numNegativeTypes"]:
        raise BundleError(
            f'{path}: field "data.negativeTypes": {len(data["negativeTypes"])} names '
            f'for numNegativeTypes = {data["numNegativeTypes"]}'
        )
    train = run["train"]
    try:
        objective = get_objective(train["objective"])
    except ValueError as e:
        raise BundleError(f'{path}: field "train.objective": {e}') from None
    try:
        train["objectiveOptions"] = objective.parse_options(train["objectiveOptions"], "train.objectiveOptions")
    except ValueError as e:
        raise BundleError(f"{path}: {e}") from None
    if train.get("lora", {}).get("rank", 0) > 0:
        raise BundleError(
            f'{path}: field "train.lora.rank": LoRA runs cannot be scaled out yet (scale/ trains full weights)'
        )
    k = data["numNegativeTypes"] if objective.uses_hard_negatives else 0
    if objective.uses_hard_negatives and k < 1:
        raise BundleError(
            f'{path}: field "data.numNegativeTypes": {objective.name} needs hard negatives, the data has none'
        )
    try:
        if run["objectiveState"]:  # empty: the objective's initial state
            objective.deserialize_state(run["objectiveState"], train["objectiveOptions"], k)
    except ValueError as e:
        raise BundleError(f'{path}: field "objectiveState": {e}') from None
    return run


def _check_image(root: str, image: str, where: str) -> str:
    normal = os.path.normpath(image)
    if os.path.isabs(image) or normal.startswith(".."):
        raise BundleError(f'{where}: field "image": "{image}" must be a path inside the bundle')
    path = os.path.join(root, normal)
    if not os.path.isfile(path):
        raise BundleError(f'{where}: field "image": file {path} not found')
    return path


def parse_pairs(root: str, run: dict, schema: dict) -> list:
    data = run["data"]
    path = os.path.join(root, data["pairs"])
    if not os.path.isfile(path):
        raise BundleError(f"{path}: file not found")
    k, types = data["numNegativeTypes"], data["negativeTypes"]
    pairs = []
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, start=1):
            if not text.strip():
                continue
            where = f"{path} line {number}"
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as e:
                raise BundleError(f"{where}: not valid JSON: {e}") from None
            try:
                pair = validate(raw, schema["pairLine"])
            except SchemaError as e:
                raise BundleError(f"{where}: {e}") from None
            for field in ("negatives", "negativeTypes", "valid"):
                if len(pair[field]) != k:
                    raise BundleError(
                        f'{where}: field "{field}": {len(pair[field])} entries, run.json says numNegativeTypes = {k}'
                    )
            for i, (mine, expected) in enumerate(zip(pair["negativeTypes"], types)):
                if mine != expected:
                    raise BundleError(f'{where}: field "negativeTypes.{i}": "{mine}", run.json says "{expected}"')
            pair["image"] = _check_image(root, pair["image"], where)
            pairs.append(pair)
    if len(pairs) != data["size"]:
        raise BundleError(f'{path}: has {len(pairs)} examples, run.json field "data.size" says {data["size"]}')
    return pairs


def read_bundle(root: str) -> Bundle:
    """The checked bundle at `root` (a folder); raises BundleError with a one-line message."""
    if not os.path.isdir(root):
        hint = " (unzip it first)" if root.endswith(".zip") else ""
        raise BundleError(f"{root}: not a folder{hint}")
    schema = load_schema()
    run_path = os.path.join(root, "run.json")
    run = parse_run_json(_read_json(run_path), run_path, schema)
    batch = run["train"]["batchSize"]
    if batch > run["data"]["size"]:
        raise BundleError(f'{run_path}: field "train.batchSize": {batch} exceeds the {run["data"]["size"]} examples')
    return Bundle(root=root, run=run, pairs=parse_pairs(root, run, schema))

