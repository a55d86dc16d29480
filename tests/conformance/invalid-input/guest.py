import wasmprep_plugin as wp


class Case(wp.Plugin):
    """Refuses the first negative `n`, naming its row and column."""

    def configure(self, config):
        return wp.Contract("invalid-input", "0.1.0").input("n", wp.DataType.INT32).nullable_output("n", wp.DataType.INT32)

    def process(self, batch):
        n = batch["n"]
        for row in range(len(batch)):
            if n.valid(row) and n.get(row) < 0:
                raise wp.InvalidInput(f"negative value {n.get(row)}", column="n", row=row)
        return wp.Output(batch["n"])
