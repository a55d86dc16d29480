import wasmprep_plugin as wp


class Case(wp.Plugin):
    """Refuses a `factor` that is not a number."""

    def configure(self, config):
        factor = config.get("factor", "1")
        try:
            float(factor)
        except ValueError:
            raise wp.InvalidConfig(f"factor must be a number, not `{factor}`") from None
        return wp.Contract("invalid-config", "0.1.0").input("n", wp.DataType.INT32).nullable_output("n", wp.DataType.INT32)

    def process(self, batch):
        return wp.Output(batch["n"])
