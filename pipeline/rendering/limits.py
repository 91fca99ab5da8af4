"""Limits on what one rendering (a document, or one text of a batch) may do.

Templates and batch texts come from users: a loop ``range(99999)`` nested twice, a
string product ``'ab' * 3000000000`` or a macro calling itself must end with a
message, never hang or exhaust the machine. Every ``for`` loop and sandboxed call
spends from a budget of :data:`~pipeline.limits.LOOP_ITERATIONS`, the rendering has
:data:`~pipeline.limits.SECONDS`, and every value an operator, a join or a filter
makes is at most :data:`~pipeline.limits.SIZE` long (checked before the work when it
can be foreseen). The budget starts when a rendering starts (:func:`bounded_join`, the
environment's ``concat``, runs the template).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import wraps
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext, Macro
from jinja2.utils import Cycler, Joiner

from pipeline.limits import LOOP_ITERATIONS, SECONDS, SIZE

#: The whole text one rendering may produce (characters).
OUTPUT = 16 * SIZE
#: Largest whole number (in bits) an operator may make: ~30,000 digits.
INT_BITS = 100_000
#: Largest number or text given to a filter (width, count, fill text).
FILTER_INT = 100_000
FILTER_TEXT = 10_000
#: Objects of Jinja itself whose methods a template may call (``loop.cycle``, macros).
DATA_METHOD = (LoopContext, Macro, Cycler, Joiner)


class LimitExceeded(SecurityError):
    """A rendering went past one of the limits; the message says which, in Vietnamese."""


class _Budget:
    __slots__ = ("deadline", "left")

    def __init__(self) -> None:
        self.left = LOOP_ITERATIONS
        self.deadline = time.monotonic() + SECONDS


_budget = _Budget()
_CHECK_EVERY = 1023  # look at the clock every 1024 steps


def start() -> None:
    """Start a rendering's budget."""
    _budget.left = LOOP_ITERATIONS
    _budget.deadline = time.monotonic() + SECONDS


def spend() -> None:
    """Spend one step of the rendering's budget.

    Raises:
        LimitExceeded: too many loop steps, or too long a time.
    """
    _budget.left -= 1
    if _budget.left & _CHECK_EVERY == 0:
        if _budget.left < 0:
            raise LimitExceeded(
                f"vòng lặp chạy quá {LOOP_ITERATIONS:_} lượt cho một văn bản".replace("_", ".")
            )
        if time.monotonic() > _budget.deadline:
            raise LimitExceeded(f"điền mẫu quá {SECONDS:g} giây cho một văn bản")


class _Guarded:
    """An iterable whose steps are spent from the budget (what every ``for`` loops on)."""

    __slots__ = ("_iterator", "_source")

    def __init__(self, source: Iterable[Any]) -> None:
        self._source = source
        self._iterator = iter(source)

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        spend()
        return next(self._iterator)

    def __len__(self) -> int:
        return len(self._source)  # type: ignore[arg-type]  # TypeError: Jinja counts


def guarded_iter(source: Any) -> Any:
    """Return ``source`` for a ``for`` loop, each step counted (a non-iterable is
    returned as it is, for Jinja to say what is wrong with it)."""
    return _Guarded(source) if hasattr(source, "__iter__") else source


def _too_large(what: str, size: int) -> LimitExceeded:
    return LimitExceeded(f"{what} quá lớn ({size:_} phần tử; giới hạn {SIZE:_})".replace("_", "."))


def check_size(value: Any) -> Any:
    """Return ``value`` unless it is a text or list longer than :data:`SIZE`, or a number
    of more than :data:`INT_BITS` bits.

    Raises:
        LimitExceeded: ``value`` is too large.
    """
    if isinstance(value, str | list | tuple | bytes | dict) and len(value) > SIZE:
        raise _too_large("chuỗi hoặc danh sách tạo ra", len(value))
    if isinstance(value, int) and value.bit_length() > INT_BITS:
        raise LimitExceeded("số tạo ra quá lớn")
    return value


def _length(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple | bytes) else None


_FORMAT_WIDTH = re.compile(r"%[^a-zA-Z%]*")


def check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too large, before it runs.

    Raises:
        LimitExceeded: ``left operator right`` would be too large.
    """
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            size = _length(seq)
            if size is not None and isinstance(times, int) and size * times > SIZE:
                raise _too_large("phép nhân chuỗi", size * times)
        ints = isinstance(left, int) and isinstance(right, int)
        if ints and left.bit_length() + right.bit_length() > INT_BITS:
            raise LimitExceeded("phép nhân tạo ra số quá lớn")
    elif operator == "**":
        ints = isinstance(left, int) and isinstance(right, int)
        if ints and abs(left) > 1 and right > 0 and right * left.bit_length() > INT_BITS:
            raise LimitExceeded("phép lũy thừa tạo ra số quá lớn")
    elif operator == "%" and isinstance(left, str):
        for spec in _FORMAT_WIDTH.findall(left):
            widths = re.findall(r"\d+", spec)
            if "*" in spec or any(len(w) > 6 or int(w) > FILTER_INT for w in widths):
                raise LimitExceeded("độ rộng trong định dạng “%” quá lớn")


def bounded_join(chunks: Iterable[str]) -> str:
    """Run a rendering (its chunks) under a fresh budget; return its text.

    Raises:
        LimitExceeded: the text grows past :data:`OUTPUT`, or a limit inside.
    """
    start()
    parts: list[str] = []
    append = parts.append
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > OUTPUT:
            raise LimitExceeded(f"văn bản tạo ra quá dài (hơn {OUTPUT:_} ký tự)".replace("_", "."))
        append(chunk)
    return "".join(parts)


def safe_range(*args: int) -> range:
    """``range`` for templates: at most :data:`SIZE` numbers.

    Raises:
        LimitExceeded: the range is longer.
    """
    numbers = range(*args)
    if len(numbers) > SIZE:
        raise _too_large("range()", len(numbers))
    return numbers


def _check_filter_args(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    for arg in (*args, *kwargs.values()):
        if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > FILTER_INT:
            raise LimitExceeded(f"số đưa vào bộ lọc “{name}” quá lớn ({arg})")
        if isinstance(arg, str) and len(arg) > FILTER_TEXT:
            raise LimitExceeded(f"chuỗi đưa vào bộ lọc “{name}” quá dài")


def _estimate(name: str, value: Any, args: tuple[Any, ...]) -> int:
    """Return a bound of the size of ``value|name(*args)`` for filters that multiply."""
    text = value if isinstance(value, str) else ""
    if name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = (len(text) + 1) if not old else text.count(old)
        return len(text) + count * max(0, len(new) - len(old))
    if name in {"indent", "wordwrap"}:
        lines = text.count("\n") + 1 if name == "indent" else len(text)
        extra = max(
            (len(a) if isinstance(a, str) else a if isinstance(a, int) else 0) for a in (0, *args)
        )
        return len(text) + lines * extra
    if name == "join" and isinstance(value, list | tuple):
        sep = len(str(args[0])) if args else 0
        return sum(len(str(v)) for v in value) + sep * len(value)
    return 0


def _width(arg: Any) -> int:
    if isinstance(arg, str):
        return len(arg)
    return arg if isinstance(arg, int) and not isinstance(arg, bool) else 0


def guard_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """Return ``filters`` each wrapped to refuse huge arguments and results."""
    return {name: _guard(name, func) for name, func in filters.items()}


def _guard(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    # Jinja passes the environment, context or eval context first to some filters
    # (marked by an attribute); the wrapper keeps that mark.
    @wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        offset = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0
        value = args[offset] if len(args) > offset else None
        rest = args[offset + 1 :]
        _check_filter_args(name, rest, kwargs)
        if name == "join" and not isinstance(value, str | list | tuple):
            value = list(value) if value is not None and hasattr(value, "__iter__") else value
            args = (*args[:offset], value, *rest)
        if _estimate(name, value, rest) > SIZE:
            raise _too_large(f"kết quả của bộ lọc “{name}”", _estimate(name, value, rest))
        return check_size(func(*args, **kwargs))

    return guarded


def unsafe_hint(attribute: str) -> str:
    """Return why a template may not read ``attribute`` (in Vietnamese)."""
    return (
        f"“{attribute}” không phải là một trường dữ liệu (mẫu chỉ được đọc trường dữ "
        "liệu, không được gọi phương thức hay đọc phần nội bộ)"
    )


#: What an expression of a template may raise with data it cannot handle.
EXPRESSION_ERRORS = (
    RecursionError,
    MemoryError,
    ArithmeticError,
    ValueError,
    TypeError,
    LookupError,
)


def failure_message(exc: BaseException) -> str:
    """Return, in Vietnamese, why an expression of a template failed (no Python names)."""
    if isinstance(exc, RecursionError):
        return "mẫu gọi lại chính nó quá nhiều lần (macro tự gọi mình)"
    if isinstance(exc, ZeroDivisionError):
        return "phép chia cho 0"
    if isinstance(exc, MemoryError):
        return "không đủ bộ nhớ (mẫu tạo ra dữ liệu quá lớn)"
    if isinstance(exc, OverflowError):
        return "số quá lớn"
    return "một biểu thức trong thẻ không tính được với dữ liệu này"
