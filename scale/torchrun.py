#!/usr/bin/env python3
"""`torchrun`, usable with Debian 12's python3-torch: same options, same behaviour.

torch 1.13's launcher parses its --redirects/--tee defaults ("0") by iterating an IntFlag,
which on Python 3.11 no longer yields the zero member, so plain `torchrun` fails with
"'NoneType' object has no attribute 'get'". This wrapper parses those values directly and
then runs torch's own launcher; on a torch without the bug it changes nothing.

    python3 scale/torchrun.py --nproc_per_node 2 scale/cli.py train --bundle <dir> --out <dir>
"""

import re
import sys

sys.dont_write_bytecode = True

from torch.distributed.elastic.multiprocessing import api  # noqa: E402
from torch.distributed.run import main  # noqa: E402


def _from_str(vm: str):
    if re.fullmatch(r"\d+", vm):
        return api.Std(int(vm))
    if re.fullmatch(r"(\d+:\d+)(,\d+:\d+)*", vm):
        return {int(i): api.Std(int(v)) for i, v in (pair.split(":") for pair in vm.split(","))}
    raise ValueError(f"{vm} does not match: <\\d+> or <\\d+:\\d+(,\\d+:\\d+)*>")


if api.Std.from_str("0") is None:
    api.Std.from_str = staticmethod(_from_str)

if __name__ == "__main__":
    sys.exit(main())
