"""Input checks shared by the metrics: each names the argument that is wrong."""

from __future__ import annotations

import torch
from torch import Tensor


def rows(k: int) -> str:
    """'1 row', '3 rows'."""
    return f"{k} row" if k == 1 else f"{k} rows"


def check_finite(x: Tensor, name: str) -> None:
    """Raise a ValueError naming ``name`` if ``x`` holds NaN or infinite values.

    Rows are counted along the first dimension (samples, or a matrix's rows).
    """
    bad = ~torch.isfinite(x.detach())
    if not bad.any():
        return
    if x.ndim > 1:
        where = rows(int(bad.flatten(1).any(dim=1).sum()))
    else:
        where = f"{int(bad.sum())} of its {x.numel()} entries"
    raise ValueError(
        f"{name} has {where} with NaN or infinite values: a metric of them means "
        f"nothing; find what produced them (a diverged generator, an overflow)"
    )
