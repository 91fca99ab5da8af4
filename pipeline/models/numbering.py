"""Which numbered items of a body the six levels can number (I. / 1. / 1.1. / a) / - / +).

Used by the record's validation, so that anything the templates cannot number is a
problem with its line, never a failure while rendering.
"""

from __future__ import annotations

from pipeline.formatting import MAX_ITEMS, kind_below, kind_rank
from pipeline.models.document import (
    Article,
    AssignmentsBlock,
    Block,
    Clause,
    Section,
    TasksBlock,
    _block_kind,
)
from pipeline.models.programme import TaskGroup


def numbering_problem(
    blocks: tuple[Block, ...],
    kind: str | None,
    groups: dict[str, TaskGroup],
    assignments: int,
    path: tuple[str | int, ...] = (),
) -> tuple[tuple[str | int, ...], str] | None:
    """Return (path of the block, message) for the first item the levels cannot number.

    ``kind`` is the kind of the numbered items of ``blocks`` (None: past the sixth level).
    """
    count = 0
    for index, block in enumerate(blocks):
        here = (*path, index)
        if isinstance(block, AssignmentsBlock):
            numbered = assignments
        elif isinstance(block, TasksBlock):
            group = groups.get(block.nhiem_vu)
            numbered = 1 if group is not None and group.ten else 0
        elif isinstance(block, Article):
            found = numbering_problem(
                block.noi_dung, "1.", groups, assignments, (*here, "noi_dung")
            )
            if found is not None:
                return found
            continue
        else:
            numbered = 1 if isinstance(block, Section | Clause) else 0
        if not numbered:
            continue
        key = "muc" if isinstance(block, Section) else _block_kind(block) or "muc"
        if kind is None:
            return (*here, key), (
                "Mục này ở cấp thứ bảy: văn bản chỉ đánh số đến sáu cấp (I. / 1. / 1.1. / "
                "a) / - / +). Gộp bớt một cấp, hoặc viết nội dung này thành đoạn văn (doan) "
                "hay gạch đầu dòng (gach) của mục trên."
            )
        count += numbered
        limit = MAX_ITEMS.get(kind)
        if limit is not None and count > limit:
            return (*here, key), (
                f"Cấp “{kind}” chỉ đánh được {limit} mục (a đến y); mục này là mục thứ "
                f"{count}. Chia bớt thành nhiều mục cấp trên, hoặc dùng cấp “(1)”."
            )
        if isinstance(block, Section):
            below = block.cap_duoi or kind_below(kind)
            if block.cap_duoi is not None and kind_rank(block.cap_duoi) <= kind_rank(kind):
                return (*here, "cap_duoi"), (
                    f"Cấp dưới “{block.cap_duoi}” phải thấp hơn cấp của mục này (“{kind}”): "
                    "thứ tự các cấp là I. / 1. / 1.1. / a) / - / +."
                )
            found = numbering_problem(
                block.noi_dung, below, groups, assignments, (*here, "noi_dung")
            )
            if found is not None:
                return found
    return None
