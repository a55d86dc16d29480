"""tip-ratio: a wasmprep plugin in Python, written with the kit (sdk/python).

Adds tip_ratio = tip_amount / fare_amount (float32), null where either
input is null or the fare is not positive.

Columns arrive as Arrow buffers: `column.f32()` is a `memoryview` cast of
the float32 values, so nothing is converted at the boundary; the output is
built into an `array("f")` and a validity bitmap (the loop over rows is the
plugin's own work).

Configuration (optional): `output` names the new column (default
tip_ratio). Build: `python -m wasmprep_plugin build app.py`.
"""

from array import array

import wasmprep_plugin as wp
from wasmprep_plugin import log


class TipRatio(wp.Plugin):
    def configure(self, config):
        self.output = config.get("output", "tip_ratio")
        log.debug(f"tip-ratio writes `{self.output}`")
        return (
            wp.Contract("tip-ratio", "0.1.0")
            .input("tip_amount", wp.DataType.FLOAT32)
            .input("fare_amount", wp.DataType.FLOAT32)
            .nullable_output(self.output, wp.DataType.FLOAT32)
        )

    def process(self, batch):
        tip, fare = batch["tip_amount"], batch["fare_amount"]
        tips, fares = tip.f32(), fare.f32()
        n = len(batch)
        ratio = array("f", bytes(4 * n))
        validity = wp.ValidityBuilder.all_valid(n)
        for row in range(n):
            f = fares[row]
            if f > 0.0 and tip.valid(row) and fare.valid(row):
                ratio[row] = tips[row] / f
            else:
                validity.set_null(row)
        return wp.Output(wp.column_from_array(wp.DataType.FLOAT32, ratio, validity))


Transform = wp.export(TipRatio)
