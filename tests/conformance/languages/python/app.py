"""The Python conformance router: the configuration's `case` entry picks
the guest (`cases.<case with - as _>.Case`); the guest reads the rest."""

import cases
import wasmprep_plugin as wp


class Router(wp.Plugin):
    def configure(self, config):
        name = config.get("case", "")
        module = getattr(cases, name.replace("-", "_"), None)
        if module is None or not hasattr(module, "Case"):
            raise wp.InvalidConfig(f"no guest for case `{name}`")
        self.guest = module.Case()
        return self.guest.configure(config)

    def process(self, batch):
        return self.guest.process(batch)


Transform = wp.export(Router)
