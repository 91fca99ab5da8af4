"""A target's wording as printed: its planned value written into ``{ke_hoach}``.

The plan prints the target's own value (``gia_tri``); a commune's report prints the
commune's planned value, so that no commune reads the province's figure as its own.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.formatting import number_text
from pipeline.models.programme import Target, fill_plan_slot


def target_wording(target: Target, planned: Decimal | None, short: str | None = None) -> str:
    """Return ``target``'s wording with ``planned`` in its ``{ke_hoach}`` slot.

    A wording with a slot but no planned value to put there (a commune given no plan
    for it) is replaced by ``short`` (the target's short name), else its id.
    """
    if not target.has_plan_slot:
        return target.noi_dung
    if planned is None:
        return short or target.id
    return fill_plan_slot(target.noi_dung, number_text(planned))


__all__ = ["target_wording"]
