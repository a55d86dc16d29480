import wasmprep_plugin as wp


class Case(wp.Plugin):
    """Replaces `x` (int64) with x * 2 and `s` (utf8) with s + "!"; nulls stay."""

    def configure(self, config):
        return (
            wp.Contract("replace-column", "0.1.0")
            .input("x", wp.DataType.INT64)
            .input("s", wp.DataType.UTF8)
            .nullable_output("x", wp.DataType.INT64)
            .nullable_output("s", wp.DataType.UTF8)
        )

    def process(self, batch):
        x, s = batch["x"], batch["s"]
        doubled = wp.builder_for(wp.DataType.INT64)
        shouted = wp.Utf8Builder()
        for row in range(len(batch)):
            doubled.append_option(x.get(row) * 2 if x.valid(row) else None)
            shouted.append_option(s.get(row) + "!" if s.valid(row) else None)
        return wp.Output(doubled.finish(), shouted.finish())
