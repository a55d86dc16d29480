import wasmprep_plugin as wp
from wasmprep_plugin import log


class Case(wp.Plugin):
    """Logs one message at each level per batch; the batch passes unchanged."""

    def configure(self, config):
        return wp.Contract("logging", "0.1.0").input("n", wp.DataType.INT32).nullable_output("n", wp.DataType.INT32)

    def process(self, batch):
        log.trace("trace message")
        log.debug("debug message")
        log.info("info message")
        log.warn("warn message")
        log.error(f"error message, {len(batch)} rows")
        return wp.Output(batch["n"])
