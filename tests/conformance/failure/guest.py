import wasmprep_plugin as wp


class Case(wp.Plugin):
    """Fails every batch with a failure (not an input or configuration error)."""

    def configure(self, config):
        return wp.Contract("failure", "0.1.0").input("n", wp.DataType.INT32).nullable_output("n", wp.DataType.INT32)

    def process(self, batch):
        raise wp.Failure("the failure case fails on purpose")
