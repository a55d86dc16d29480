"""{{name}}: multiplies the float64 column `value` by `factor` (default 2)
into a new column `scaled`; a null stays null."""

import wasmprep_plugin as wp


class Scale(wp.Plugin):
    def configure(self, config):
        # A key the plugin never reads is refused ("unknown key(s): ...").
        self.factor = config.get_float("factor", 2.0)
        return (
            wp.Contract("{{name}}", "0.1.0")
            .input("value", wp.DataType.FLOAT64)
            .nullable_output("scaled", wp.DataType.FLOAT64)
        )

    def process(self, batch):
        value = batch["value"]
        values = value.f64()
        out = wp.Float64Builder()
        for row in range(len(batch)):
            if value.valid(row):
                out.append(values[row] * self.factor)
            else:
                out.append_null()
        return wp.Output(out.finish())


# componentize-py exports the class named `Transform`.
Transform = wp.export(Scale)
