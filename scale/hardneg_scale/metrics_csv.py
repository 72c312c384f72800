"""metrics.csv exactly as the browser writes it (src/core/train/metricsCsv.ts): one row per
step; columns step, epoch, lr, loss, every objective term, grad_norm, logit_scale, applied;
numbers as JavaScript prints them, so the app imports and charts a scale/ run like its own."""

import math
from decimal import Decimal

FIXED = ("step", "epoch", "lr", "loss", "grad_norm", "logit_scale", "applied")
# Rows are dicts with the browser's StepMetrics keys: step, epoch, lr, loss, terms, gradNorm, logitScale, applied.


def js_number(x) -> str:
    """JavaScript's Number#toString: shortest round-trip digits, exponent only outside 1e-7..1e21."""
    if isinstance(x, bool):
        return "1" if x else "0"
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign, digits, exponent = Decimal(repr(abs(x))).normalize().as_tuple()
    text = "".join(map(str, digits))
    k = len(text)
    n = k + exponent  # value = 0.digits * 10^n
    if k <= n <= 21:
        body = text + "0" * (n - k)
    elif 0 < n <= 21:
        body = text[:n] + "." + text[n:]
    elif -6 < n <= 0:
        body = "0." + "0" * (-n) + text
    else:
        e = n - 1
        body = (text[0] + ("." + text[1:] if k > 1 else "")) + ("e+" if e >= 0 else "e-") + str(abs(e))
    return ("-" if x < 0 else "") + body


def metrics_to_csv(rows: list) -> str:
    """`rows`: StepMetrics-shaped dicts (terms in the objective's order)."""
    term_names = []
    for row in rows:
        for name in row["terms"]:
            if name not in term_names:
                term_names.append(name)
    header = ["step", "epoch", "lr", "loss", *term_names, "grad_norm", "logit_scale", "applied"]
    lines = [
        ",".join(
            [js_number(r["step"]), js_number(r["epoch"]), js_number(r["lr"]), js_number(r["loss"])]
            + [js_number(r["terms"][n]) if n in r["terms"] else "" for n in term_names]
            + [js_number(r["gradNorm"]), js_number(r["logitScale"]), "1" if r["applied"] else "0"]
        )
        for r in rows
    ]
    return ",".join(header) + "\n" + "\n".join(lines) + "\n"


def parse_metrics_csv(text: str) -> list:
    """The inverse of metrics_to_csv (a resumed run keeps its history)."""
    lines = [line for line in text.strip().split("\n") if line.strip()]
    if not lines:
        return []
    columns = lines[0].split(",")
    rows = []
    for line in lines[1:]:
        cells = dict(zip(columns, line.split(",")))
        rows.append({
            "step": int(float(cells["step"])), "epoch": int(float(cells["epoch"])), "lr": float(cells["lr"]),
            "loss": float(cells["loss"]),
            "terms": {c: float(v) for c, v in cells.items() if c not in FIXED and v != ""},
            "gradNorm": float(cells["grad_norm"]), "logitScale": float(cells["logit_scale"]),
            "applied": cells["applied"] == "1",
        })
    return rows


def json_safe(value):
    """NaN and infinities as null, as JSON.stringify writes them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value
