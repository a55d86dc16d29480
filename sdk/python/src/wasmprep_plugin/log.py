"""Logging through the host.

    from wasmprep_plugin import log
    log.info(f"writes `{self.output}`")

In the component, messages go to the host's log under the plugin's name
(the host caps their size and their number per batch). In plain CPython
(unit tests) they are kept in memory (`take_captured()`, or a `Harness`'s
`logs`) and also passed to the standard `logging` module (logger
`wasmprep_plugin`), so pytest shows them with a failing test.
"""

from __future__ import annotations

import enum
import logging
from typing import Callable, List, Optional, Tuple


class Level(enum.IntEnum):
    """Severity of a message, as the WIT's `log-level`."""

    TRACE = 0
    DEBUG = 1
    INFO = 2
    WARN = 3
    ERROR = 4


_PY_LEVELS = {
    Level.TRACE: 5,
    Level.DEBUG: logging.DEBUG,
    Level.INFO: logging.INFO,
    Level.WARN: logging.WARNING,
    Level.ERROR: logging.ERROR,
}
_logger = logging.getLogger("wasmprep_plugin")
_captured: List[Tuple[Level, str]] = []

# Set by the component glue to the host's `log` import.
_sink: Optional[Callable[[Level, str], None]] = None


def log(level: Level, message: str) -> None:
    """Logs `message` at `level`."""
    message = str(message)
    if _sink is not None:
        _sink(level, message)
        return
    _captured.append((Level(level), message))
    _logger.log(_PY_LEVELS[Level(level)], message)


def trace(message: str) -> None:
    log(Level.TRACE, message)


def debug(message: str) -> None:
    log(Level.DEBUG, message)


def info(message: str) -> None:
    log(Level.INFO, message)


def warn(message: str) -> None:
    log(Level.WARN, message)


warning = warn


def error(message: str) -> None:
    log(Level.ERROR, message)


def take_captured() -> List[Tuple[Level, str]]:
    """Messages logged outside a component since the last call."""
    out = list(_captured)
    _captured.clear()
    return out
