"""What `configure` and `process` receive and return: Config, Batch, Output."""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from .builders import Selection
from .column import Column
from .errors import Failure, InvalidConfig
from .types import Contract


class Config:
    """The plugin's configuration: text keys and values.

    Scalars arrive as their text ("0.01", "true", "abc"); arrays and tables
    as JSON text (`get_json`). Reading a key marks it used; after
    `configure` the kit refuses keys never read, so a typo in a job file
    is an error (`unknown key(s): outptu`), not a silent default.
    """

    def __init__(self, pairs: Union[Mapping[str, Any], Iterable[Tuple[str, str]], None] = None):
        items = pairs.items() if isinstance(pairs, Mapping) else (pairs or [])
        self._entries: Dict[str, str] = {}
        for key, value in items:
            self._entries[str(key)] = value if isinstance(value, str) else _text(value)
        self._used: set = set()

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def get(self, key: str, default: Optional[str] = None) -> Optional[str]:
        """The text of `key`, or `default` when absent."""
        if key in self._entries:
            self._used.add(key)
            return self._entries[key]
        return default

    def _parse(self, key: str, default: Any, kind: str, parse) -> Any:
        text = self.get(key)
        if text is None:
            return default
        try:
            return parse(text.strip())
        except ValueError:
            raise InvalidConfig(f"`{key}` = {text!r} is not a valid {kind}") from None

    def get_float(self, key: str, default: Optional[float] = None) -> Optional[float]:
        return self._parse(key, default, "number", float)

    def get_int(self, key: str, default: Optional[int] = None) -> Optional[int]:
        return self._parse(key, default, "integer", int)

    def get_bool(self, key: str, default: Optional[bool] = None) -> Optional[bool]:
        """`true` or `false`."""
        return self._parse(key, default, "bool (true or false)", _bool)

    def get_json(self, key: str, default: Any = None) -> Any:
        """An array or table (sent as JSON text)."""
        return self._parse(key, default, "JSON value", json.loads)

    def entries(self) -> List[Tuple[str, str]]:
        """Every entry, for plugins that take free-form configuration; marks all used."""
        self._used.update(self._entries)
        return list(self._entries.items())

    def unknown(self) -> List[str]:
        """Keys never read."""
        return [k for k in self._entries if k not in self._used]

    def finish(self) -> None:
        """Raises InvalidConfig naming the keys never read."""
        unknown = self.unknown()
        if unknown:
            raise InvalidConfig(f"unknown key(s): {', '.join(unknown)}")


def _bool(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError(text)
    return text == "true"


def _text(value: Any) -> str:
    """How the host sends a non-text value (for tests written with Python values)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value)


class Batch:
    """The input columns of one batch, as the contract declares them.

    `batch["fare_amount"]` is a `Column`; `len(batch)` its number of rows.
    """

    def __init__(self, contract: Contract, columns: Sequence[Column]):
        self._names = [c.name for c in contract.inputs]
        self._columns = list(columns)
        self.len = self._columns[0].len if self._columns else 0

    def __len__(self) -> int:
        return self.len

    def __getitem__(self, name: str) -> Column:
        return self.column(name)

    def column(self, name: str) -> Column:
        try:
            return self._columns[self._names.index(name)]
        except ValueError:
            known = ", ".join(f"`{n}`" for n in self._names) or "none"
            raise Failure(f"no input `{name}` in the batch (the contract declares {known})") from None

    def __contains__(self, name: str) -> bool:
        return name in self._names

    @property
    def names(self) -> List[str]:
        return list(self._names)

    def __iter__(self) -> Iterator[Column]:
        return iter(self._columns)


class Output:
    """What `process` returns: one column per declared output, in contract
    order, and a `Selection` when the contract filters.

        return Output(ratio.finish())
        return Output(a, b, selection=keep)
    """

    def __init__(self, *columns: Column, selection: Optional[Selection] = None):
        self.columns: List[Column] = list(columns)
        self.selection = selection

    def column(self, column: Column) -> "Output":
        """Appends the next declared output column."""
        self.columns.append(column)
        return self

    def select(self, selection: Selection) -> "Output":
        """Sets the rows to keep."""
        self.selection = selection
        return self
