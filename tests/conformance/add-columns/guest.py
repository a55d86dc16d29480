import wasmprep_plugin as wp


class Case(wp.Plugin):
    """Adds sum = a + b, label = "big" when sum > 10 else "small", and
    positive = sum > 0; all three null where a or b is."""

    def configure(self, config):
        return (
            wp.Contract("add-columns", "0.1.0")
            .input("a", wp.DataType.FLOAT64)
            .input("b", wp.DataType.FLOAT64)
            .nullable_output("sum", wp.DataType.FLOAT64)
            .nullable_output("label", wp.DataType.UTF8)
            .nullable_output("positive", wp.DataType.BOOLEAN)
        )

    def process(self, batch):
        a, b = batch["a"], batch["b"]
        sums = [a.get(i) + b.get(i) if a.valid(i) and b.valid(i) else None for i in range(len(batch))]
        label = wp.Utf8Builder().extend(None if s is None else ("big" if s > 10 else "small") for s in sums)
        positive = wp.BoolBuilder().extend(None if s is None else s > 0 for s in sums)
        return wp.Output(wp.column_from_list(wp.DataType.FLOAT64, sums), label.finish(), positive.finish())
