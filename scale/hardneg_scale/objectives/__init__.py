"""Every training objective by name, as src/core/losses/registry.ts."""

from .base import Objective, OptionError, Output
from .ceclip import CeClipObjective
from .clip import ClipObjective, NegClipObjective
from .degla import DeglaObjective
from .fscclip import FscClipObjective

OBJECTIVES = {
    o.name: o
    for o in (ClipObjective(), NegClipObjective(), CeClipObjective(), FscClipObjective(), DeglaObjective())
}


def get_objective(name: str) -> Objective:
    if name not in OBJECTIVES:
        raise ValueError(f'unknown objective "{name}" (known: {", ".join(OBJECTIVES)})')
    return OBJECTIVES[name]


__all__ = ["OBJECTIVES", "Objective", "OptionError", "Output", "get_objective"]
