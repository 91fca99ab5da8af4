"""Which font LibreOffice will really use for Times New Roman, asked of fontconfig.

Every profile sets Times New Roman. Debian has no Times New Roman; fonts-liberation2
gives Liberation Serif, which has the same advance widths, so lines and pages break
where they would in Word (the shapes differ a little). Any other substitute moves
line breaks, and the PDF's page count may then differ from the printed Word file.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

FONT = "Times New Roman"
#: Fonts with Times New Roman's metrics (fontconfig's 30-metric-aliases.conf).
METRIC_COMPATIBLE = ("Liberation Serif", "Tinos", "Thorndale")
APT_FONTS = "sudo apt-get install fonts-liberation2 fontconfig"


@dataclass(frozen=True)
class FontCheck:
    """What fontconfig gives for ``requested``: ``used`` is None when it could not say."""

    requested: str
    used: str | None

    @property
    def installed(self) -> bool:
        """Whether the requested font itself is installed."""
        return self.used is not None and self.used.casefold() == self.requested.casefold()

    def warning(self) -> str | None:
        """Return a Vietnamese warning when the PDF will not use the requested font."""
        if self.installed:
            return None
        if self.used is None:
            return (
                f"Không kiểm tra được phông {self.requested} (thiếu chương trình fc-match); "
                f"bản PDF có thể dùng phông khác. Cài đặt: {APT_FONTS}"
            )
        if self.used in METRIC_COMPATIBLE:
            return (
                f"Máy này không có phông {self.requested}; LibreOffice dùng {self.used} "
                "thay thế. Hai phông có cùng độ rộng chữ nên dòng và trang ngắt như nhau, "
                "chỉ nét chữ hơi khác. Muốn PDF dùng đúng phông, cài Times New Roman."
            )
        return (
            f"Máy này không có phông {self.requested}, cũng không có phông thay thế cùng "
            f"độ rộng chữ; LibreOffice sẽ dùng “{self.used}”, nên ngắt dòng và số trang "
            f"của PDF có thể khác bản in từ Word. Cài phông thay thế: {APT_FONTS}"
        )


def _fc_match(family: str) -> str | None:
    """Return the family fontconfig picks for ``family``, or None without fontconfig."""
    program = shutil.which("fc-match")
    if program is None:
        return None
    try:
        done = subprocess.run(
            [program, "--format=%{family}", family],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    # A font may have several family names ("Liberation Serif,Liberation Serif Regular").
    return done.stdout.split(",")[0].strip() or None


def check_font(family: str = FONT) -> FontCheck:
    """Return which font fontconfig (hence LibreOffice) will use for ``family``."""
    return FontCheck(family, _fc_match(family))
