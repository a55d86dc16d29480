"""vocab-encoder: a wasmprep plugin in Python that fits, then transforms.

The fit counts every value of a text column over all of the data; the
vocabulary orders the values by frequency (most frequent first, ties by
value), so the most frequent value gets id 0. The transform writes each
value's id as `<column>_id` (int32): an unseen value gets the configured
`unseen` id, a null stays null.

Configuration:
- `column` (required): the text column;
- `type`: `utf8` (default) or `large_utf8`;
- `output`: the id column (default `<column>_id`);
- `unseen`: the id of a value not in the vocabulary (default -1);
- `max_size`: keep only the most frequent values (default: all);
- `min_count`: keep only values seen at least this often (default 1).

Parameters: UTF-8 JSON, `{"version": 1, "column": ..., "vocabulary":
[[value, count], ...]}` in id order; the same text is the readable view.
States: the counts so far, a dict (pickled by the kit).

Build: `python -m wasmprep_plugin build app.py` (the `Fit` export makes it
a fitting plugin).
"""

import json
from collections import Counter

import wasmprep_plugin as wp

VERSION = 1


class Settings:
    """The configuration both sides read."""

    def __init__(self, config):
        self.column = config.get("column")
        if not self.column:
            raise wp.InvalidConfig("`column` is required: the text column to encode")
        self.type = config.get("type", "utf8")
        if self.type not in ("utf8", "large_utf8"):
            raise wp.InvalidConfig(f"`type` is utf8 or large_utf8, not {self.type}")
        self.output = config.get("output", f"{self.column}_id")
        self.unseen = config.get_int("unseen", -1)
        self.max_size = config.get_int("max_size", None)
        self.min_count = config.get_int("min_count", 1)
        if not -(2**31) <= self.unseen < 2**31:
            raise wp.InvalidConfig(f"`unseen` must fit an int32: {self.unseen}")
        if self.max_size is not None and not 0 <= self.max_size < 2**31:
            raise wp.InvalidConfig(f"`max_size` must be between 0 and 2^31 - 1: {self.max_size}")
        if self.min_count < 1:
            raise wp.InvalidConfig(f"`min_count` must be at least 1: {self.min_count}")


class Vocabulary(wp.Aggregate):
    """Counts of every value seen: merged by adding, so any grouping of the
    same partitions gives the same counts."""

    def configure(self, config):
        self.settings = Settings(config)
        return wp.FitContract().input(self.settings.column, self.settings.type)

    def empty(self):
        return Counter()

    def update(self, state, batch):
        state.update(v for v in batch[self.settings.column].to_list() if v is not None)

    def merge(self, left, right):
        left.update(right)
        return left

    def finish(self, state):
        s = self.settings
        ranked = sorted(((v, n) for v, n in state.items() if n >= s.min_count), key=lambda vn: (-vn[1], vn[0]))
        if s.max_size is not None:
            ranked = ranked[: s.max_size]
        text = json.dumps({"version": VERSION, "column": s.column, "vocabulary": ranked}, ensure_ascii=False)
        return wp.Fitted(text.encode("utf-8"), text)


class VocabEncoder(wp.Plugin):
    def configure(self, config):
        self.settings = Settings(config)
        self.ids = None
        return (
            wp.Contract("vocab-encoder", "0.1.0")
            .input(self.settings.column, self.settings.type)
            .nullable_output(self.settings.output, wp.DataType.INT32)
        )

    def configure_fitted(self, config, parameters):
        contract = self.configure(config)
        try:
            fitted = json.loads(parameters.decode("utf-8"))
            version, column, vocabulary = fitted["version"], fitted["column"], fitted["vocabulary"]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as e:
            raise wp.InvalidConfig(f"the fitted parameters are not a vocabulary ({e})") from None
        if version != VERSION:
            raise wp.InvalidConfig(f"vocabulary version {version}; this plugin reads version {VERSION}")
        if column != self.settings.column:
            raise wp.InvalidConfig(f"the vocabulary was fitted on `{column}`, this step encodes `{self.settings.column}`")
        self.ids = {value: i for i, (value, _) in enumerate(vocabulary)}
        return contract

    def process(self, batch):
        if self.ids is None:
            raise wp.Failure("not fitted: run it as a job step with `fit = true` or `fitted = \"...\"`")
        ids, unseen = self.ids, self.settings.unseen
        out = wp.Int32Builder()
        for value in batch[self.settings.column].to_list():
            if value is None:
                out.append_null()
            else:
                out.append(ids.get(value, unseen))
        return wp.Output(out.finish())


Transform, Fit = wp.export_fitting(VocabEncoder, Vocabulary)
