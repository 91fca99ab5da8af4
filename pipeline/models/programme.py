"""Structured content of a programme: targets, tasks and assignments.

Plans render them; review reports (later) reuse the same records by id.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from pipeline.models.common import Record, Text, VnDate


class Target(Record):
    """A target (chỉ tiêu / mục tiêu) of the programme.

    ``moc`` is the horizon it belongs to ("Từ nay tới năm 2021"); targets of one
    horizon are printed together as one bullet, each with its label "(1)", "(2)"….
    """

    id: Text
    noi_dung: Text
    moc: Text | None = None
    thoi_han: VnDate | None = None
    gia_tri: Decimal | None = None
    don_vi_tinh: Text | None = None
    nhan: Text | None = Field(default=None, description="label override, e.g. '(4)'")


class Task(Record):
    """A task (nhiệm vụ), with who leads it, who helps and its deadline."""

    id: Text
    noi_dung: Text
    chu_tri: Text | None = None
    phoi_hop: tuple[Text, ...] = ()
    thoi_han: VnDate | None = None


class TaskGroup(Record):
    """A group of tasks under one heading ("Đối với hệ thống tổ chức Đảng")."""

    id: Text
    ten: Text | None = None
    nhiem_vu: tuple[Task, ...] = Field(min_length=1)


class Assignment(Record):
    """An assignment (phân công): a unit and its duty, printed as "1- <unit> <duty>"."""

    don_vi: Text
    nhiem_vu: Text
    thoi_han: VnDate | None = None
