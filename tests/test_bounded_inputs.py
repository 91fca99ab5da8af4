"""Issue 15, item 2: any input ends within bounded time and memory, with a located message.

Each case runs the real command in a child process (an address-space cap keeps a
regression from taking the machine down) and measures the child's peak RSS. Bounds
are generous on purpose (10 s, 500 MB): they tell a bounded run from a runaway one.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import docx
import pytest

from pipeline import limits
from tests.batch_helpers import SPEC, example_rows, make_batch

VANBAN = Path(sys.executable).with_name("vanban")
SECONDS = 10
PEAK_MB = 500


def _cap() -> None:  # pragma: no cover - runs in the child
    cap = 3 * 1024**3  # a runaway child fails here instead of taking the machine
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run_bounded(*args: str) -> tuple[int, str, float, float]:
    """Run ``vanban args``; return (exit code, output, seconds, the child's peak RSS in MB)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [str(VANBAN), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_cap,  # noqa: PLW1509 - no thread runs yet (the timer starts after)
    )
    killer = threading.Timer(SECONDS * 3, process.kill)
    killer.start()
    try:
        assert process.stdout is not None
        output = process.stdout.read().decode("utf-8", errors="replace")
        process.stdout.close()
        # Reaped here (not by Popen) to read the child's own resource usage.
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        killer.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, output, time.monotonic() - started, usage.ru_maxrss / 1024


def _assert_bounded(code: int, output: str, seconds: float, peak: float, *where: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output
    for text in where:
        assert text in output, output
    assert seconds < SECONDS
    assert peak < PEAK_MB


BOMB = "\n".join(
    ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    + [
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_a_yaml_alias_bomb_is_refused_with_its_file(tmp_path: Path) -> None:
    spec = make_batch(tmp_path, example_rows()[:3])
    (tmp_path / "bom.yaml").write_text(BOMB, encoding="utf-8")
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(
            "ho_so: ke-hoach-sap-xep.goc.yaml", "ho_so: bom.yaml"
        ),
        encoding="utf-8",
    )

    result = run_bounded("batch", str(spec), "-o", str(tmp_path / "build"))

    _assert_bounded(*result, "bom.yaml", "bí danh")
    result = run_bounded("validate", str(tmp_path / "bom.yaml"))
    _assert_bounded(*result, "bom.yaml", "quá nhiều giá trị")


@pytest.mark.parametrize(
    "line", ["ho_so: ke-hoach-sap-xep.goc.yaml", "danh_sach: xa-thai-nguyen.csv"]
)
def test_a_device_as_an_input_file_is_refused(tmp_path: Path, line: str) -> None:
    spec = make_batch(tmp_path, example_rows()[:3])
    key = line.split(":", maxsplit=1)[0]
    spec.write_text(
        spec.read_text(encoding="utf-8").replace(line, f"{key}: /dev/zero"), encoding="utf-8"
    )

    result = run_bounded("batch", str(spec), "-o", str(tmp_path / "build"))

    _assert_bounded(*result, "/dev/zero", "không phải tệp thường")


NESTED = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
PRODUCT = "{{ 'ab' * 3000000000 }}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [(NESTED, "1.000.000 lượt"), (PRODUCT, "phép nhân chuỗi")],
    ids=["nested-loop", "string-product"],
)
def test_a_runaway_text_in_a_batch_spec_stops_at_its_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    spec = make_batch(tmp_path, example_rows()[:3])
    source = spec.read_text(encoding="utf-8")
    spec.write_text(source.replace("luu: Văn phòng Đảng uỷ", f'luu: "{text}"'), encoding="utf-8")
    line = next(
        n for n, row in enumerate(spec.read_text("utf-8").splitlines(), start=1) if "luu:" in row
    )

    result = run_bounded("batch", str(spec), "-o", str(tmp_path / "build"))

    _assert_bounded(*result, SPEC, f"dòng {line}", expected)
    assert not (tmp_path / "build").exists() or not any((tmp_path / "build").rglob("*.docx"))


@pytest.mark.parametrize(
    ("tag", "expected"),
    [(NESTED, "1.000.000 lượt"), (PRODUCT, "phép nhân chuỗi")],
    ids=["nested-loop", "string-product"],
)
def test_a_runaway_template_stops_with_its_tag_and_lint_flags_it(
    tmp_path: Path, tag: str, expected: str
) -> None:
    spec = make_batch(tmp_path / "in", example_rows()[:3])
    from pipeline import api

    builtin = api.prepare_batch(spec).template
    mine = tmp_path / "mau"
    mine.mkdir()
    document = docx.Document(str(builtin))
    document.add_paragraph(f"Thêm {tag}")
    document.save(str(mine / builtin.name))

    result = run_bounded(
        "batch", str(spec), "-o", str(tmp_path / "build"), "--templates", str(mine)
    )
    _assert_bounded(*result, builtin.name, "Thêm", expected)

    code, output, _, _ = run_bounded("templates", "lint", str(mine / builtin.name))
    assert code == 1 and "Traceback" not in output
    assert "LỖI" in output and ("lượt" in output or "Phép nhân chuỗi" in output), output


def test_the_guarantees_document_states_the_limits_in_force() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "guarantees.md").read_text("utf-8")
    for value in (limits.YAML_BYTES, limits.CSV_BYTES, limits.TEMPLATE_BYTES):
        assert f"{value // limits.MB} MB" in text
    assert f"{limits.LOOP_ITERATIONS:_}".replace("_", ".") in text
    assert f"{limits.SIZE:_}".replace("_", ".") in text
    assert f"{limits.SECONDS:g} giây" in text
    assert f"{limits.YAML_NODES:_}".replace("_", ".") in text
