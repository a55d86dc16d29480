"""tip-ratio: a wasmprep plugin in Python.

Adds tip_ratio = tip_amount / fare_amount (float32), null where either
input is null or the fare is not positive.

Columns cross the boundary as Arrow buffers (`bytes`): the plugin reads the
float32 values through `memoryview(...).cast("f")` and writes its output
with `array("f").tobytes()`, so no value is converted one by one at the
boundary. Built with componentize-py against sdk/wit (see README.md).

Configuration (optional): `output` names the new column (default
tip_ratio).
"""

from array import array

from componentize_py_types import Err
from wit_world import exports
from wit_world.imports import host, types

KNOWN_KEYS = {"output"}


def _spec(name: str) -> types.ColumnSpec:
    return types.ColumnSpec(name=name, data_type=types.DataType_Float32(), nullable=True)


def _valid(bitmap, row: int) -> bool:
    return bitmap is None or (bitmap[row >> 3] >> (row & 7)) & 1 == 1


class Transform(exports.Transform):
    def __init__(self):
        self.output = "tip_ratio"

    def configure(self, config):
        settings = dict(config)
        unknown = sorted(set(settings) - KNOWN_KEYS)
        if unknown:
            raise Err(types.Error_InvalidConfig(f"unknown key(s): {', '.join(unknown)} (known: output)"))
        self.output = settings.get("output", "tip_ratio")
        host.log(types.LogLevel.DEBUG, f"tip-ratio writes `{self.output}`")
        return types.Contract(
            name="tip-ratio",
            version="0.1.0",
            inputs=[_spec("tip_amount"), _spec("fare_amount")],
            outputs=[_spec(self.output)],
            filters=False,
        )

    def process(self, columns):
        tip, fare = columns
        n = tip.len
        tips = memoryview(tip.values).cast("f")
        fares = memoryview(fare.values).cast("f")
        tip_valid, fare_valid = tip.validity, fare.validity

        ratio = array("f", bytes(4 * n))
        validity = bytearray((n + 7) // 8)
        nulls = 0
        for row in range(n):
            f = fares[row]
            if f > 0.0 and _valid(tip_valid, row) and _valid(fare_valid, row):
                ratio[row] = tips[row] / f
                validity[row >> 3] |= 1 << (row & 7)
            else:
                nulls += 1

        out = types.Column(
            len=n,
            null_count=nulls,
            validity=bytes(validity) if nulls else None,
            offsets=None,
            values=ratio.tobytes(),
        )
        return types.BatchOutput(columns=[out], selection=None)
