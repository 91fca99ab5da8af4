"""Several LibreOffice instances at once: one :class:`PdfConverter` per worker thread.

Each converter has its own private profile and its own named pipe (see ``session``),
so the instances never meet. The threads only wait on LibreOffice (a separate
process), so the main thread stays free to split the PDFs that come back while the
next ones are laid out. Results come back as they finish. On Ctrl-C (or any error in
the caller) every LibreOffice is killed at once and no task is started any more.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import Generic, Self, TypeVar

from pipeline.pdf.converter import DEFAULT_TIMEOUT, PdfConverter
from pipeline.pdf.tools import LibreOffice

T = TypeVar("T")
Task = Callable[[PdfConverter], T]


class _Failed:
    """An exception a task raised, carried to the main thread."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class ConverterPool(Generic[T]):
    """``workers`` LibreOffice instances (started at their first document) running
    tasks, each task a function of the converter it runs on (a context manager)."""

    def __init__(
        self,
        workers: int,
        libreoffice: LibreOffice,
        timeout: float = DEFAULT_TIMEOUT,
        pdfa: bool = False,
    ) -> None:
        self.converters = [
            PdfConverter(timeout, libreoffice, pdfa=pdfa) for _ in range(max(1, workers))
        ]
        self._tasks: queue.Queue[tuple[int, Task[T]] | None] = queue.Queue()
        self._done: queue.Queue[tuple[int, T | _Failed]] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()

    def __enter__(self) -> Self:
        for converter in self.converters:
            converter.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._stopped.set()
            for converter in self.converters:
                converter.abort()
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()
        for converter in self.converters:
            converter.close(grace=0.0 if exc_type is not None else 5.0)

    @property
    def starts(self) -> int:
        """LibreOffice starts of every worker together."""
        return sum(c.starts for c in self.converters)

    @property
    def start_seconds(self) -> list[float]:
        """Each start's seconds, worker after worker."""
        return [s for c in self.converters for s in c.start_seconds]

    def _work(self, converter: PdfConverter, warm: bool) -> None:
        if warm and not self._stopped.is_set():
            converter.start()
        while True:
            item = self._tasks.get()
            if item is None or self._stopped.is_set():
                return
            number, task = item
            try:
                self._done.put((number, task(converter)))
            except BaseException as error:  # carried to the caller, raised there
                self._done.put((number, _Failed(error)))

    def prestart(self) -> None:
        """Start every worker's LibreOffice now, in the background, while the caller
        prepares the tasks (a worker whose LibreOffice cannot start fails its tasks)."""
        self._start_threads(warm=True)

    def _start_threads(self, warm: bool) -> None:
        if self._threads:
            return
        for number, converter in enumerate(self.converters):
            thread = threading.Thread(
                target=self._work, args=(converter, warm), name=f"vanban-pdf-{number}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def submit(self, tasks: Sequence[Task[T]]) -> Iterator[tuple[int, T]]:
        """Run ``tasks``; yield ``(index, result)`` of each as it finishes.

        Raises:
            Exception: what a task raised (the others are stopped).
        """
        self._start_threads(warm=False)
        for number, task in enumerate(tasks):
            self._tasks.put((number, task))
        for _ in tasks:
            number, result = self._done.get()
            if isinstance(result, _Failed):
                raise result.error
            yield number, result
