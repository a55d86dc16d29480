"""The errors a plugin reports, raised as exceptions.

The host shows them to the user with the plugin's name (and, for input
errors, the column and row). Any other exception escaping `configure` or
`process` is reported as a `Failure` naming its type.
"""

from __future__ import annotations

from typing import Optional


class PluginError(Exception):
    """Base of the errors a plugin reports."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = str(message)


class InvalidConfig(PluginError):
    """The configuration is wrong (unknown key, bad value, ...)."""

    def __str__(self) -> str:
        return f"invalid config: {self.message}"


class InvalidInput(PluginError):
    """A value cannot be processed: name the column and the row within the batch."""

    def __init__(self, message: str, column: Optional[str] = None, row: Optional[int] = None):
        super().__init__(message)
        self.column = column
        self.row = None if row is None else int(row)

    def __str__(self) -> str:
        text = "invalid input"
        if self.column is not None:
            text += f" in column `{self.column}`"
        if self.row is not None:
            text += f" at row {self.row}"
        return f"{text}: {self.message}"


class Failure(PluginError):
    """Anything else."""

    def __str__(self) -> str:
        return f"failure: {self.message}"
