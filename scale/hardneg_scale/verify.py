"""`verify-objective`: checks an objective against a reference-case file
(test/fixtures/losses/*.json) with the checks, tolerances and report of
src/core/losses/verify.ts: every expected loss term and state value, and the gradient of
the total w.r.t. each raw input, in float32."""

import math

import torch

from .objectives import get_objective

LOSS_TOLERANCE = 1e-4
GRAD_TOLERANCE = 1e-3
GRAD_FLOOR = 1e-3


def _flatten(value) -> list:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    if isinstance(value, list):
        return [x for item in value for x in _flatten(item)]
    raise ValueError("expected numbers")


def _tensor(value, name: str) -> torch.Tensor:
    try:
        return torch.tensor(value, dtype=torch.float32)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a number or a rectangular array of numbers") from None


def _strict_options(raw: dict, mapping: dict) -> dict:
    """Fixture option names -> ours; an option we would ignore fails loudly."""
    for key in raw:
        if key not in mapping:
            raise ValueError(f'options: unrecognised key "{key}"')
    return {mapping[k]: v for k, v in raw.items()}


CECLIP_IMC = {"fix2024": "imageTextPositive", "head": "officialHead", "v2023": "official2023"}


def _ceclip(case):
    inputs = case["inputs"]
    n, k, _d = _tensor(inputs["hardneg_emb"], "inputs.hardneg_emb").shape
    raw = _strict_options(case.get("options", {}), {
        "threshold_type": "thresholdType", "upper_bound": "upperBound", "fixed_threshold_value": "fixedThreshold",
        "imc_variant": "imcVariant", "cmr_weight": "cmrWeight", "imc_weight": "imcWeight",
    })
    if "imcVariant" in raw:
        raw["imcVariant"] = CECLIP_IMC.get(raw["imcVariant"], raw["imcVariant"])
    objective = get_objective("ceclip")
    options = objective.parse_options(raw, "options")
    thresholds = inputs["thresholds"]
    if isinstance(thresholds, (int, float)):
        state = {"thresholds": torch.full((k,), float(thresholds))}
    else:
        state = {"thresholds": _tensor(thresholds, "inputs.thresholds")}
    mask = _tensor(inputs["valid_mask"], "inputs.valid_mask")

    def run(leaves):
        out = objective.compute({
            "image_emb": leaves["image_emb"], "text_emb": leaves["text_emb"],
            "hardneg_emb": leaves["hardneg_emb"].reshape(n * k, -1), "valid_mask": mask, "k": k,
            "logit_scale_log": leaves["logit_scale_log"],
        }, state, options)
        t = out.terms
        return out.total, {
            "itc_i2t": t["itcI2t"], "itc_t2i": t["itcT2i"], "itc_loss": t["itc"], "cmr_loss": t["cmr"],
            "imc_loss": t["imc"], "total_loss": out.total, "thresholds_used_per_type": state["thresholds"],
            "thresholds_next_per_type": out.next_state["thresholds"], "cmr_hinge_matrix": out.per_sample["hinge"],
        }

    return "ceclip", ("image_emb", "text_emb", "hardneg_emb", "logit_scale_log"), run


def _fscclip(case):
    inputs = case["inputs"]
    n, k, t, _d = _tensor(inputs["hardneg_tokens"], "inputs.hardneg_tokens").shape
    objective = get_objective("fscclip")
    options = objective.parse_options(_strict_options(case.get("options", {}), {
        "global_weight": "globalWeight", "local_weight": "localWeight", "focal_gamma": "focalGamma",
        "label_smoothing": "labelSmoothing",
    }), "options")
    masks = ("valid_mask", "text_token_mask", "hardneg_token_mask")
    constants = {name: _tensor(inputs[name], f"inputs.{name}") for name in masks}

    def run(leaves):
        out = objective.compute({
            "image_emb": leaves["image_emb"], "text_emb": leaves["text_emb"],
            "hardneg_emb": leaves["hardneg_emb"].reshape(n * k, -1), "valid_mask": constants["valid_mask"], "k": k,
            "logit_scale_log": leaves["logit_scale_log"], "image_tokens": leaves["image_tokens"],
            "text_tokens": leaves["text_tokens"], "text_token_mask": constants["text_token_mask"],
            "hardneg_tokens": leaves["hardneg_tokens"].reshape(n * k, t, -1),
            "hardneg_token_mask": constants["hardneg_token_mask"].reshape(n * k, t),
        }, {}, options)
        terms = out.terms
        return out.total, {
            "clip_loss": terms["clip"], "neg_global": terms["negGlobal"], "neg_local": terms["negLocal"],
            "total_loss": out.total,
        }

    leaves = (
        "image_emb", "text_emb", "hardneg_emb", "image_tokens", "text_tokens", "hardneg_tokens", "logit_scale_log",
    )
    return "fscclip", leaves, run


def _degla(case):
    inputs = case["inputs"]
    n, k, _d = _tensor(inputs["hardneg_emb"], "inputs.hardneg_emb").shape
    objective = get_objective("degla")
    options = objective.parse_options(_strict_options(case.get("options", {}), {
        "tgc_weight": "tgcWeight", "igc_weight": "igcWeight", "distill_weight": "distillWeight",
        "tgc_scale": "tgcScale",
    }), "options")
    teacher = {
        "teacher_image_emb": _tensor(inputs["teacher_image_emb"], "inputs.teacher_image_emb"),
        "teacher_text_emb": _tensor(inputs["teacher_text_emb"], "inputs.teacher_text_emb"),
        "teacher_hardneg_emb": _tensor(inputs["teacher_hardneg_emb"], "inputs.teacher_hardneg_emb").reshape(n * k, -1),
    }

    def run(leaves):
        out = objective.compute({
            "image_emb": leaves["image_emb"], "text_emb": leaves["text_emb"],
            "hardneg_emb": leaves["hardneg_emb"].reshape(n * k, -1), "k": k,
            "logit_scale_log": leaves["logit_scale_log"], **teacher,
        }, {}, options)
        t = out.terms
        return out.total, {
            "base_loss": t["base"], "tgc_loss": t["tgc"], "igc_loss": t["igc"], "distill_loss": t["distill"],
            "total_loss": out.total,
        }

    return "degla", ("image_emb", "text_emb", "hardneg_emb", "logit_scale_log"), run


#: (recognising input, adapter), tried in order as src/core/losses/fixtures/index.ts.
ADAPTERS = (("thresholds", _ceclip), ("image_tokens", _fscclip), ("teacher_image_emb", _degla))


def _compare(ours, reference, kind: str) -> dict:
    def failed(note):
        return {"kind": kind, "maxAbs": math.nan, "maxRel": math.nan, "pass": False, "note": note}

    if ours is None:
        return failed("not computed")
    try:
        ref = _flatten(reference)
    except ValueError:
        return failed("reference is not numeric")
    values = ours.detach().reshape(-1).tolist()
    if len(ref) != len(values):
        return failed(f"size {len(values)}, reference {len(ref)}")
    max_abs = max_rel = 0.0
    for mine, want in zip(values, ref):
        diff = abs(mine - want)
        rel = diff / max(1.0, abs(want)) if kind == "loss" else diff / max(abs(want), GRAD_FLOOR)
        max_abs = diff if math.isnan(diff) or diff > max_abs else max_abs
        max_rel = rel if math.isnan(rel) or rel > max_rel else max_rel
        if math.isnan(max_abs):
            break
    tolerance = LOSS_TOLERANCE if kind == "loss" else GRAD_TOLERANCE
    return {"kind": kind, "maxAbs": max_abs, "maxRel": max_rel, "pass": max_rel <= tolerance}


def _verify_case(case: dict, index: int) -> dict:
    adapter = next((make for key, make in ADAPTERS if key in case["inputs"]), None)
    if adapter is None:
        raise ValueError(
            f"no fixture adapter recognises case {index} "
            f"(inputs: {', '.join(case['inputs'])}; known: ceclip, fscclip, degla)"
        )
    objective, differentiable, run = adapter(case)
    leaves = {name: _tensor(case["inputs"][name], f"inputs.{name}").requires_grad_(True) for name in differentiable}
    total, outputs = run(leaves)
    grad_names = list(case.get("grad", {}))
    wanted = [name for name in grad_names if name in leaves]
    grads = dict(zip(wanted, torch.autograd.grad(total, [leaves[n] for n in wanted], allow_unused=True)))
    details = {name: _compare(outputs.get(name), ref, "loss") for name, ref in case["expected"].items()}
    for name in grad_names:
        details[f"grad.{name}"] = _compare(grads.get(name), case["grad"][name], "grad")

    def worst(kind, key):
        out = 0.0
        for d in details.values():
            if d["kind"] == kind and (math.isnan(d[key]) or d[key] > out):
                out = d[key]
        return out

    return {
        "index": index, "objective": objective,
        "maxAbsLossDiff": worst("loss", "maxAbs"), "maxRelLossDiff": worst("loss", "maxRel"),
        "maxAbsGradDiff": worst("grad", "maxAbs"), "maxRelGradDiff": worst("grad", "maxRel"),
        "pass": all(d["pass"] for d in details.values()), "details": details,
    }


def verify_objective_cases(file_json) -> dict:
    """{"cases": [...], "pass": bool}; a file in an unknown format raises ValueError."""
    cases = file_json.get("cases") if isinstance(file_json, dict) else None
    if not isinstance(cases, list) or not cases:
        raise ValueError('field "cases": expected a non-empty array of cases')
    for i, case in enumerate(cases):
        for key in ("inputs", "expected"):
            if not isinstance(case, dict) or not isinstance(case.get(key), dict):
                raise ValueError(f'field "cases.{i}.{key}": expected an object')
    results = [_verify_case(case, i) for i, case in enumerate(cases)]
    return {"cases": results, "pass": all(r["pass"] for r in results)}
