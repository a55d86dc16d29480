// Package replacecolumn is the guest of the case replace-column: it
// replaces `x` (int64) with x * 2 and `s` (utf8) with s + "!"; nulls stay.
package replacecolumn

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("replace-column", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("replace-column", "0.1.0").
		Input("x", plugin.Int64Type).
		Input("s", plugin.Utf8Type).
		NullableOutput("x", plugin.Int64Type).
		NullableOutput("s", plugin.Utf8Type), nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	x, s := batch.Get("x"), batch.Get("s")
	rows := batch.Len()
	doubled := make([]int64, rows)
	for row, v := range x.Int64s() {
		doubled[row] = v * 2
	}
	shouted := plugin.NewStringBuilder(rows)
	for row := range rows {
		if s.IsNull(row) {
			shouted.AppendNull()
			continue
		}
		shouted.Append(s.Str(row) + "!")
	}
	// x's nulls stay: the doubled column takes x's validity.
	return plugin.NewOutput(
		plugin.ColumnOf(doubled, plugin.ValidWhereAll(rows, x)),
		shouted.Finish(),
	), nil
}
