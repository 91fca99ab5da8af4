"""The signature block (ô 7a–7c) as a stack of lines, and the rules of its authority lines.

A block is zero to two authority lines (``TM. ỦY BAN NHÂN DÂN`` / ``KT. CHỦ TỊCH``;
Party ``T/M BAN THƯỜNG VỤ``), zero or more position lines (``PHÓ CHỦ TỊCH``), then the
name. A record writes it either line by line (``dong``) or with the three fields of
the first records (``quyen_han`` + ``thay_mat``, ``chuc_vu``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pipeline.models.common import Record, Text

#: Authority prefixes of each family (Nghị định 30/2020; Hướng dẫn 36 and 05-HD/VPTW).
STATE_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
PARTY_PREFIXES = ("T/M", "K/T", "T/L", "Q.")
_ANY_PREFIX = re.compile(r"^(TM\.|KT\.|TL\.|TUQ\.|T/M|K/T|T/L|T/U|TUQ|Q\.)(?=\s|$)")
#: An authority prefix inside a line ("… NHÂN DÂN KT. CHỦ TỊCH"): a second line merged.
_INNER_PREFIX = re.compile(r"\s(?=(?:TM\.|KT\.|TL\.|TUQ\.|T/M|K/T|T/L|Q\.)\s)")

#: Two authority lines that may follow each other (collective, then its head's deputy
#: or acting head). Party documents use one line: a deputy signs "T/M" directly.
STATE_PAIRS = {("TM.", "KT."), ("TM.", "Q.")}
_DEPUTY = {"KT.", "K/T"}


def authority_prefix(line: str) -> str | None:
    """Return the authority prefix a line starts with ("KT. CHỦ TỊCH" → "KT."), or None."""
    match = _ANY_PREFIX.match(line)
    return match.group(1) if match else None


def _line_item(value: Any) -> Any:
    return {"dong": value} if isinstance(value, str) else value


class SignatureLine(Record):
    """One line of the block above the name; ``dam``/``nghieng`` override the profile's
    emphasis of that line (bold / italic)."""

    dong: Text
    dam: bool | None = None
    nghieng: bool | None = None


class Signature(Record):
    """Signature block: its lines above the name (``dong``), or the three-field form
    (``quyen_han`` "TM.", ``thay_mat`` "ỦY BAN NHÂN DÂN", ``chuc_vu``), and the name."""

    quyen_han: Text | None = None
    thay_mat: Text | None = None
    chuc_vu: Text | None = None
    dong: tuple[Annotated[SignatureLine, BeforeValidator(_line_item)], ...] = Field(
        default=(), validate_default=True
    )
    ho_ten: Text

    @model_validator(mode="before")
    @classmethod
    def _lines_typed_on_several_lines(cls, data: Any) -> Any:
        # "chuc_vu: |" with "KT. CHỦ TỊCH" and "PHÓ CHỦ TỊCH" on two lines of the YAML
        # means two printed lines: the three-field form becomes the line form, before
        # the text is folded onto one line.
        if not isinstance(data, dict) or "dong" in data:
            return data
        old = {k: data.get(k) for k in ("quyen_han", "thay_mat", "chuc_vu")}
        if not any(isinstance(v, str) and "\n" in v.strip() for v in old.values()):
            return data
        if not all(v is None or isinstance(v, str) for v in old.values()):
            return data
        authority = " ".join(v for v in (old["quyen_han"], old["thay_mat"]) if v)
        lines = [*authority.splitlines(), *(old["chuc_vu"] or "").splitlines()]
        rest = {k: v for k, v in data.items() if k not in old}
        return {**rest, "dong": [line for line in lines if line.strip()]}

    @field_validator("dong")
    @classmethod
    def _one_form(
        cls, value: tuple[SignatureLine, ...], info: ValidationInfo
    ) -> tuple[SignatureLine, ...]:
        three = [k for k in ("quyen_han", "thay_mat", "chuc_vu") if info.data.get(k)]
        if value and three:
            raise PydanticCustomError(
                "signature_form",
                "Chữ ký ghi theo một trong hai cách: các dòng (dong) hoặc quyen_han / "
                "thay_mat / chuc_vu; bản này có cả hai ({fields}). Giữ một cách.",
                {"fields": ", ".join(["dong", *three])},
            )
        if not value and not three and "chuc_vu" not in _failed(info):
            raise PydanticCustomError(
                "signature_lines",
                "Thiếu các dòng trên họ tên người ký: ghi chuc_vu (ví dụ CHỦ TỊCH) hoặc "
                "dong (ví dụ [TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH, PHÓ CHỦ TỊCH]).",
            )
        return value

    def lines(self) -> tuple[SignatureLine, ...]:
        """Return the lines above the name, top to bottom.

        In the three-field form, ``quyen_han`` and ``thay_mat`` make the authority line;
        an authority written inside it ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH") starts a
        line of its own, as in the printed block.
        """
        if self.dong:
            return self.dong
        authority = " ".join(part for part in (self.quyen_han, self.thay_mat) if part)
        out = [SignatureLine(dong=part) for part in _INNER_PREFIX.split(authority) if part]
        if self.chuc_vu:
            out.append(SignatureLine(dong=self.chuc_vu))
        return tuple(out)


def _failed(info: ValidationInfo) -> set[str]:
    # Fields that failed their own validation are missing from info.data.
    return {"quyen_han", "thay_mat", "chuc_vu"} - set(info.data)


def stack_problem(lines: tuple[SignatureLine, ...], family: str) -> tuple[str, str] | None:
    """Return (message, the line concerned) when the block breaks a rule, else None.

    Rules: the prefixes are the family's own; authority lines come first; at most two,
    and two only as TM. then KT. (or Q.) in State documents; a deputy (KT., K/T) has
    a position line under the authority; an authority line says for whom.
    """
    prefixes = STATE_PREFIXES if family == "state" else PARTY_PREFIXES
    authorities: list[tuple[str, str]] = []
    seen_position = False
    for line in lines:
        text = line.dong
        prefix = authority_prefix(text)
        if prefix is None:
            seen_position = True
            continue
        if prefix not in prefixes:
            return _wrong_family(text, prefix, family), text
        if seen_position:
            return (
                f"Dòng quyền hạn “{text}” phải đứng trên các dòng chức vụ: thứ tự là dòng "
                "quyền hạn (TM., KT. …), rồi chức vụ, rồi họ tên.",
                text,
            )
        if text == prefix:
            example = "TM. ỦY BAN NHÂN DÂN" if family == "state" else "T/M BAN THƯỜNG VỤ"
            return (
                f"Dòng “{text}” phải ghi thay mặt, ký thay cho ai, ví dụ “{example}”.",
                text,
            )
        authorities.append((prefix, text))
    return _combination_problem(authorities, family, seen_position)


def _combination_problem(
    authorities: list[tuple[str, str]], family: str, seen_position: bool
) -> tuple[str, str] | None:
    if len(authorities) > 1:
        pair = (authorities[0][0], authorities[1][0])
        if family != "state":
            return (
                f"Văn bản của Đảng ghi một dòng quyền hạn, không ghép “{authorities[0][1]}” "
                f"với “{authorities[1][1]}”: tập thể (T/M) không ký thay (K/T); cấp phó ký "
                "“T/M BAN THƯỜNG VỤ” rồi dòng chức vụ “PHÓ BÍ THƯ” (Hướng dẫn 36 và "
                "05-HD/VPTW).",
                authorities[1][1],
            )
        if len(authorities) > 2 or pair not in STATE_PAIRS:
            return (
                f"Không ghép được “{authorities[0][1]}” với “{authorities[1][1]}”: hai dòng "
                "quyền hạn chỉ dùng khi thay mặt tập thể rồi ký thay hoặc quyền người đứng "
                "đầu, ví dụ “TM. ỦY BAN NHÂN DÂN” rồi “KT. CHỦ TỊCH” (hoặc “Q. CHỦ TỊCH”) "
                "(Nghị định 30/2020, Phụ lục I).",
                authorities[-1][1],
            )
    if authorities and authorities[-1][0] in _DEPUTY and not seen_position:
        return (
            f"Ký thay (“{authorities[-1][1]}”) thì dưới đó phải có dòng chức vụ của người "
            "ký thay, ví dụ “PHÓ CHỦ TỊCH” hoặc “PHÓ TRƯỞNG BAN”.",
            authorities[-1][1],
        )
    return None


def _wrong_family(text: str, prefix: str, family: str) -> str:
    if family == "state":
        return (
            f"Dòng “{text}” dùng “{prefix}”, cách ghi quyền hạn ký của văn bản của Đảng. "
            "Văn bản hành chính nhà nước (Nghị định 30/2020) ghi TM., KT., TL., TUQ., Q. "
            "(có dấu chấm), ví dụ “KT. CHỦ TỊCH”."
        )
    return (
        f"Dòng “{text}” dùng “{prefix}”, cách ghi quyền hạn ký của văn bản hành chính nhà "
        "nước. Văn bản của Đảng (Hướng dẫn 36 và 05-HD/VPTW) ghi T/M, K/T, T/L (gạch "
        "chéo) hoặc Q., ví dụ “K/T TRƯỞNG BAN”."
    )
