"""The one exception an import raises when it refuses input (nothing is changed then)."""

from __future__ import annotations


class ImportRefused(Exception):
    """The import was refused as a whole; the message says which file, which line and what was
    expected: "<file>: line <n>: <what was wrong>; expected <what>"."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refusal(file: object, line: int | None, what: str, expected: str | None = None) -> str:
    """The message format every refusal uses."""
    where = f"{file}: line {line}: " if line is not None else f"{file}: "
    tail = f"; expected {expected}" if expected else ""
    return f"{where}{what}{tail}"


def refuse(file: object, line: int | None, what: str, expected: str | None = None) -> ImportRefused:
    return ImportRefused(refusal(file, line, what, expected))
