"""How core code reports progress without printing: the CLI plugs in Rich, the server logs."""

from __future__ import annotations

from typing import Protocol


class Reporter(Protocol):
    """Receives progress of long work. Core code never prints; it calls a reporter."""

    def start(self, task: str, total: int | None) -> None:
        """A task begins; ``total`` is in the task's own units (bytes, rows), None if unknown."""

    def update(self, completed: int) -> None:
        """Progress so far, in the units of ``total``."""

    def finish(self) -> None:
        """The task is over."""

    def note(self, message: str) -> None:
        """A line of information for the person running the work."""


class NullReporter:
    """Discards everything."""

    def start(self, task: str, total: int | None) -> None:
        pass

    def update(self, completed: int) -> None:
        pass

    def finish(self) -> None:
        pass

    def note(self, message: str) -> None:
        pass
