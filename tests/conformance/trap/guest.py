import wasmprep_plugin as wp


class Case(wp.Plugin):
    """Raises an unexpected exception: the error carries its text."""

    def configure(self, config):
        return wp.Contract("trap", "0.1.0").input("n", wp.DataType.INT32).nullable_output("n", wp.DataType.INT32)

    def process(self, batch):
        raise RuntimeError("conformance trap: boom")
