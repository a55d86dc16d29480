import wasmprep_plugin as wp


class Case(wp.Plugin):
    """Keeps the rows whose `n` is even (a null `n` is dropped)."""

    def configure(self, config):
        return wp.Contract("filter", "0.1.0").input("n", wp.DataType.INT32).filters()

    def process(self, batch):
        n = batch["n"]
        keep = wp.Selection.from_fn(len(batch), lambda i: n.valid(i) and n.get(i) % 2 == 0)
        return wp.Output(selection=keep)
