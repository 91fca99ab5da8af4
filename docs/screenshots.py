"""Make the screenshots of README.md: the workbook's sheets and `vanban build` in a terminal.

    .venv/bin/python docs/screenshots.py

Needs LibreOffice Calc (libreoffice-calc-nogui), pdftoppm (poppler-utils), Pillow (a
dependency of the dev tools) and the DejaVu Sans Mono font. The workbook is
`vanban workbook export inputs/ke-hoach-ubnd-xa.yaml`, each sheet printed alone by Calc;
the terminal is `vanban build` run under a pseudo-terminal (100 × 40), its output
replayed through a small terminal emulator: the progress bars as they were drawn
mid-way, then the screen at the end.
"""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from PIL import Image, ImageDraw, ImageFont, ImageOps

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
VANBAN = ROOT / ".venv" / "bin" / "vanban"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
COLUMNS = 100
SHEETS = {
    "Hướng dẫn": ("so-tinh-1-huong-dan.png", None),
    "Thông tin chung": ("so-tinh-2-thong-tin-chung.png", "A1:E22"),
    "Nội dung": ("so-tinh-3-noi-dung.png", "A1:G16"),
}


def sheets(work: Path) -> None:
    """Print each sheet of the example workbook alone with Calc, crop, save in docs/."""
    book_path = work / "ke-hoach.xlsx"
    subprocess.run(
        [
            str(VANBAN),
            "workbook",
            "export",
            str(ROOT / "inputs" / "ke-hoach-ubnd-xa.yaml"),
            "-o",
            str(book_path),
        ],
        check=True,
    )
    for title, (name, area) in SHEETS.items():
        book = openpyxl.load_workbook(book_path)
        for sheet in list(book.worksheets):
            if sheet.title not in (title, "vanban"):
                book.remove(sheet)
        sheet = book[title]
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.print_options.gridLines = True
        if area:
            sheet.print_area = area
        one = work / f"{Path(name).stem}.xlsx"
        book.save(one)
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{work / 'lo'}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(one),
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                str(one.with_suffix(".pdf")),
                str(work / one.stem),
            ],
            check=True,
        )
        image = Image.open(work / f"{one.stem}-1.png").convert("L")
        box = ImageOps.invert(image).getbbox()
        assert box is not None
        image = image.crop((max(box[0] - 12, 0), max(box[1] - 12, 0), box[2] + 12, box[3] + 12))
        image.save(DOCS / name, optimize=True)


# -- the terminal ---------------------------------------------------------------------

PALETTE = {
    30: (40, 40, 40),
    31: (205, 49, 49),
    32: (13, 188, 121),
    33: (229, 229, 16),
    34: (36, 114, 200),
    35: (188, 63, 188),
    36: (17, 168, 205),
    37: (229, 229, 229),
}
XTERM = {237: (58, 58, 58), 197: (249, 38, 114), 70: (95, 175, 0)}
DEFAULT = (220, 220, 220)
_CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")

Cell = tuple[str, tuple[int, int, int], bool]


class Screen:
    """Just enough of a terminal for rich's output: CR, LF, cursor up, erase line, SGR."""

    def __init__(self) -> None:
        self.lines: list[list[Cell]] = [[]]
        self.row = 0
        self.col = 0
        self.colour = DEFAULT
        self.bold = False

    def feed(self, text: str) -> None:
        position = 0
        while position < len(text):
            match = _CSI.match(text, position)
            if match:
                self._csi(match.group(1), match.group(2))
                position = match.end()
                continue
            self._char(text[position])
            position += 1

    def _csi(self, params: str, final: str) -> None:
        if final == "A":
            self.row = max(0, self.row - int(params or 1))
        elif final == "K":
            self.lines[self.row] = []
        elif final == "m":
            codes = [int(c) for c in params.split(";") if c] or [0]
            index = 0
            while index < len(codes):
                code = codes[index]
                if code == 0:
                    self.colour, self.bold = DEFAULT, False
                elif code == 1:
                    self.bold = True
                elif code in PALETTE:
                    self.colour = PALETTE[code]
                elif code == 38 and index + 2 < len(codes):
                    self.colour = XTERM.get(codes[index + 2], DEFAULT)
                    index += 2
                index += 1

    def _char(self, char: str) -> None:
        if char == "\r":
            self.col = 0
        elif char == "\n":
            self.row += 1
            while len(self.lines) <= self.row:
                self.lines.append([])
        else:
            if self.col >= COLUMNS:
                self._char("\n")
                self.col = 0
            line = self.lines[self.row]
            while len(line) < self.col:
                line.append((" ", DEFAULT, False))
            cell = (char, self.colour, self.bold)
            if self.col < len(line):
                line[self.col] = cell
            else:
                line.append(cell)
            self.col += 1

    def text(self) -> list[list[Cell]]:
        out = [line for line in self.lines]
        while out and not out[-1]:
            out.pop()
        return out


def run_build(work: Path) -> str:
    """Run `vanban build` in a copy of inputs/ under a pseudo-terminal; return its output."""
    shutil.copytree(ROOT / "inputs", work / "inputs")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(work)
        os.environ.update(COLUMNS=str(COLUMNS), LINES="40", TERM="xterm-256color")
        os.execv(str(VANBAN), ["vanban", "build"])
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8")


def frames(output: str) -> list[list[Cell]]:
    """Return one mid-way frame of each progress bar (the bar's line as it was drawn)."""
    shown: dict[str, list[Cell]] = {}
    for part in output.split("\r\x1b[2K"):
        match = re.search(r"\x1b\[1m(.+?)\x1b\[0m.*?(\d+)/(\d+)", part)
        if not match:
            continue
        label, done, total = match.group(1), int(match.group(2)), int(match.group(3))
        if 0 < done < total and (label not in shown or done * 2 <= total):
            screen = Screen()
            screen.feed(part.split("\r\n")[0])
            shown[label] = screen.text()[0]
    return list(shown.values())


def draw(blocks: list[list[list[Cell]]], path: Path) -> None:
    font, bold = ImageFont.truetype(FONT, 15), ImageFont.truetype(BOLD, 15)
    width, height = font.getbbox("M")[2], 20
    lines = [line for block in blocks for line in ([*block, []])]
    image = Image.new("RGB", (width * COLUMNS + 24, height * len(lines) + 24), (24, 24, 24))
    pen = ImageDraw.Draw(image)
    for y, line in enumerate(lines):
        for x, (char, colour, strong) in enumerate(line):
            pen.text(
                (12 + x * width, 12 + y * height), char, fill=colour, font=bold if strong else font
            )
    image.save(path, optimize=True)


def terminal(work: Path) -> None:
    output = run_build(work)
    prompt = Screen()
    prompt.feed(
        "\x1b[32m$\x1b[0m vanban build      \x1b[33m# thanh tiến độ, chụp giữa chừng:\x1b[0m"
    )
    bars = frames(output)
    end = Screen()
    end.feed("\x1b[33m# khi xong (các thanh tiến độ tự xóa):\x1b[0m\r\n")
    end.feed(output)
    draw([prompt.text() + bars, end.text()], DOCS / "vanban-build.png")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sheets(work)
        terminal(work)
    print("docs/: " + ", ".join([*(n for n, _ in SHEETS.values()), "vanban-build.png"]))


if __name__ == "__main__":
    sys.exit(main())
