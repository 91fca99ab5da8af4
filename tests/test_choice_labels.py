"""Fixed values of the record models have one Vietnamese display name, used by the web
form and the workbooks' dropdowns (``pipeline.models.choices``)."""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from pipeline.models import OfficialDocument
from pipeline.models.choices import CHOICE_LABELS
from pipeline.models.execution import PeriodReport
from pipeline.models.period import Period
from pipeline.models.registry import Registry
from pipeline.web.schema import form_schema
from pipeline.workbook import workbook_bytes

_CODE_LIKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def _literals(tp: Any, seen: set[type[BaseModel]]) -> set[str]:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return set()
        seen.add(tp)
        found: set[str] = set()
        for info in tp.model_fields.values():
            found |= _literals(info.annotation, seen)
        return found
    if get_origin(tp) is Literal:
        return {a for a in get_args(tp) if isinstance(a, str)}
    if get_origin(tp) in (Union, types.UnionType, Annotated, list, tuple, dict) or get_args(tp):
        found = set()
        for arg in get_args(tp):
            found |= _literals(arg, seen)
        return found
    return set()


def test_every_code_like_value_has_a_vietnamese_name() -> None:
    values: set[str] = set()
    for model in (OfficialDocument, PeriodReport, Period, Registry):
        values |= _literals(model, set())
    assert {"nha_nuoc", "bao_cao", "so_ket"} <= values  # the walk reaches them
    missing = sorted(v for v in values if _CODE_LIKE.match(v) and v not in CHOICE_LABELS)
    assert missing == []


def test_the_form_and_the_workbooks_show_the_same_names() -> None:
    assert form_schema()["choices"]["nha_nuoc"] == "Nhà nước"
    assert form_schema()["choices"]["bao_cao"] == "Để báo cáo"
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes("van-ban", {}, "Kế hoạch")))
    shown = {str(c.value) for row in book["vanban"].iter_rows() for c in row if c.value}
    assert {"Nhà nước", "Đảng", "Để báo cáo", "Theo thứ tự của thể thức"} <= shown
    assert "nha_nuoc" not in shown
