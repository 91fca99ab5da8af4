"""Load a recipient registry and resolve a document's Nơi nhận against it."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import ValidationError

from pipeline.errors import InputError, Problem
from pipeline.loading.problems import problems_from_validation
from pipeline.loading.tabular import load_roster
from pipeline.loading.workbook import is_workbook, read_workbook
from pipeline.loading.yaml_source import YamlDocument, read_yaml
from pipeline.models.document import (
    Distribution,
    GroupRef,
    OfficialDocument,
    Recipient,
    RecipientRef,
)
from pipeline.models.registry import Addressee, Delivery, Purpose, Registry, RegistryGroup

#: Loads the communes of a roster file as addressees (name pattern, copies, delivery).
RosterReader = Callable[[Path, str, int, Delivery], tuple[Addressee, ...]]


def load_registry(path: Path) -> tuple[Registry, YamlDocument]:
    """Read and validate a registry file (YAML, or a workbook made by vanban).

    Raises:
        InputError: every problem at once: bad fields, an id defined twice, an empty
            group, a group member that is not in the registry.
    """
    doc = read_workbook(path, Registry) if is_workbook(path) else read_yaml(path)
    try:
        registry = Registry.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, doc.source, doc.data, doc.where)) from None
    problems = _registry_problems(registry, doc)
    if problems:
        raise InputError(problems)
    return registry, doc


def _registry_problems(registry: Registry, doc: YamlDocument) -> list[Problem]:
    problems = []
    seen: dict[str, str] = {}
    entries = [("noi_nhan", i, e.id) for i, e in enumerate(registry.noi_nhan)]
    entries += [("nhom", i, g.id) for i, g in enumerate(registry.nhom)]
    for section, index, ident in entries:
        line = doc.where((section, index, "id"))
        if ident in seen:
            problems.append(
                Problem(
                    doc.source,
                    line,
                    f"Mã ({section}.{index}.id)",
                    f"Mã “{ident}” đã được khai báo ở {seen[ident]}: mỗi nơi nhận, mỗi nhóm chỉ "
                    "khai báo một lần. Xóa dòng trùng hoặc đổi mã.",
                )
            )
        else:
            seen[ident] = line
    known = {e.id for e in registry.noi_nhan}
    for index, group in enumerate(registry.nhom):
        problems.extend(_group_problems(group, index, known, doc))
    return problems


def _group_problems(
    group: RegistryGroup, index: int, known: set[str], doc: YamlDocument
) -> list[Problem]:
    if not group.thanh_vien and group.tat_ca_xa is None:
        return [
            Problem(
                doc.source,
                doc.where(("nhom", index)),
                f"Nhóm “{group.id}”",
                "Nhóm không có thành viên: thêm danh sách thanh_vien (mã các nơi nhận) hoặc "
                "tat_ca_xa (mọi xã của một danh sách xã).",
            )
        ]
    problems = []
    for k, member in enumerate(group.thanh_vien):
        if member not in known:
            problems.append(
                Problem(
                    doc.source,
                    doc.where(("nhom", index, "thanh_vien", k)),
                    f"Nhóm “{group.id}”",
                    f"Thành viên “{member}” không có trong danh bạ.{_hint(member, known)}",
                )
            )
    return problems


def _hint(ident: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(ident, sorted(known), n=3, cutoff=0.5)
    return f" Có phải là: {', '.join(close)}?" if close else ""


def resolve_distribution(
    doc: OfficialDocument, source: YamlDocument, registry_reader: RosterReader | None = None
) -> OfficialDocument:
    """Return ``doc`` with its Nơi nhận resolved against its registry (if it names one).

    Raises:
        InputError: an unknown id or group (with the document's file, line and the
            closest ids), or problems of the registry file itself.
    """
    dist = doc.noi_nhan
    if dist.danh_ba is None:
        return doc
    return doc.model_copy(update={"noi_nhan": resolve_recipients(dist, source, registry_reader)})


def resolve_recipients(
    dist: Distribution, source: YamlDocument, registry_reader: RosterReader | None = None
) -> Distribution:
    """Return the Nơi nhận ``dist`` (of the record ``source``) resolved against its
    registry (``dist.danh_ba``, which must be set).

    Raises:
        InputError: see :func:`resolve_distribution`.
    """
    assert dist.danh_ba is not None
    path = Path(source.source).parent / dist.danh_ba
    registry, registry_doc = load_registry(path)
    resolver = _Resolver(registry, registry_doc, path, registry_reader)
    items = []
    problems = []
    for index, item in enumerate(dist.cac_noi):
        where = source.where(("noi_nhan", "cac_noi", index))
        try:
            items.append(resolver.resolve(item))
        except LookupError as exc:
            problems.append(Problem(source.source, where, "Nơi nhận (noi_nhan.cac_noi)", str(exc)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return dist.model_copy(update={"danh_ba": None, "cac_noi": tuple(items)})


def _recipient(
    name: str,
    ref: RecipientRef | GroupRef,
    note: str | None,
    purpose: Purpose | None,
    members: tuple[Addressee, ...],
) -> Recipient:
    """Return the resolved Nơi nhận line: registry defaults under the record's overrides."""
    return Recipient(
        ten=name,
        ghi_chu=ref.ghi_chu or note,
        dau=ref.dau,
        ghi_chu_sau_dau=ref.ghi_chu_sau_dau,
        muc_dich=ref.muc_dich or purpose,
        so_ban=sum(m.so_ban for m in members),
        hinh_thuc=members[0].hinh_thuc if len(members) == 1 else "giay",
        thanh_vien=members,
    )


class _Resolver:
    def __init__(
        self, registry: Registry, doc: YamlDocument, path: Path, roster: RosterReader | None
    ) -> None:
        self.entries = {e.id: e for e in registry.noi_nhan}
        self.groups = {g.id: g for g in registry.nhom}
        self.doc = doc
        self.path = path
        self.roster = roster

    def resolve(self, item: object) -> Recipient:
        if isinstance(item, Recipient):
            return item
        if isinstance(item, str):
            item = RecipientRef(id=item)
        if isinstance(item, GroupRef):
            return self._group(item)
        assert isinstance(item, RecipientRef)
        entry = self.entries.get(item.id)
        if entry is None:
            kind = "nhóm" if item.id in self.groups else "nơi nhận"
            extra = " (đây là một nhóm: viết {nhom: " + item.id + "})" if kind == "nhóm" else ""
            raise LookupError(
                f"Mã nơi nhận “{item.id}” không có trong danh bạ {self.path.name}{extra}."
                f"{_hint(item.id, self.entries)}"
            )
        return _recipient(entry.ten, item, entry.ghi_chu, entry.muc_dich, (self._member(item.id),))

    def _group(self, ref: GroupRef) -> Recipient:
        group = self.groups.get(ref.nhom)
        if group is None:
            raise LookupError(
                f"Nhóm “{ref.nhom}” không có trong danh bạ {self.path.name}."
                f"{_hint(ref.nhom, self.groups)}"
            )
        members = [self._member(m) for m in group.thanh_vien]
        if group.tat_ca_xa is not None:
            members.extend(self._communes(group))
        return _recipient(group.ten, ref, group.ghi_chu, group.muc_dich, tuple(members))

    def _member(self, ident: str) -> Addressee:
        e = self.entries[ident]
        return Addressee(
            ten=e.ten, so_ban=e.so_ban, hinh_thuc=e.hinh_thuc, dia_chi=e.dia_chi, email=e.email
        )

    def _communes(self, group: RegistryGroup) -> tuple[Addressee, ...]:
        spec = group.tat_ca_xa
        assert spec is not None
        if self.roster is None:
            raise LookupError(f"Nhóm “{group.id}” cần danh sách xã nhưng chưa đọc được danh sách.")
        path = self.path.parent / spec.danh_sach
        return self.roster(path, spec.mau_ten, spec.so_ban, spec.hinh_thuc)


def roster_addressees(
    path: Path, name_pattern: str, copies: int, delivery: Delivery
) -> tuple[Addressee, ...]:
    """Return one addressee per commune of the roster at ``path``.

    ``name_pattern`` names each one from the commune's fields ("Đảng uỷ {ten}"; the
    fields are those of :class:`pipeline.models.roster.Commune`).
    """
    out = []
    for commune in load_roster(path):
        fields = {k: v for k, v in commune.model_dump().items() if isinstance(v, str)}
        fields["ten_day_du"] = commune.full_name
        try:
            name = name_pattern.format_map(fields)
        except KeyError as exc:
            raise LookupError(
                f"Mẫu tên “{name_pattern}” dùng {{{exc.args[0]}}} nhưng danh sách xã không có "
                f"trường này; dùng một trong: {', '.join(sorted(fields))}."
            ) from None
        out.append(Addressee(ten=name, so_ban=copies, hinh_thuc=delivery))
    return tuple(out)
