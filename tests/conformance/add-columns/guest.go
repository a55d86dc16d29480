// Package addcolumns is the guest of the case add-columns: it adds
// sum = a + b, label = "big" when sum > 10 else "small", and
// positive = sum > 0; all three null where a or b is.
package addcolumns

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("add-columns", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("add-columns", "0.1.0").
		Input("a", plugin.Float64Type).
		Input("b", plugin.Float64Type).
		NullableOutput("sum", plugin.Float64Type).
		NullableOutput("label", plugin.Utf8Type).
		NullableOutput("positive", plugin.BooleanType), nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	a, b := batch.Get("a"), batch.Get("b")
	as, bs := a.Float64s(), b.Float64s()
	rows := batch.Len()
	valid := plugin.ValidWhereAll(rows, a, b)
	sums := make([]float64, rows)
	label := plugin.NewStringBuilder(rows)
	positive := plugin.NewBoolBuilder()
	for row := range rows {
		if !valid.IsValid(row) {
			label.AppendNull()
			positive.AppendNull()
			continue
		}
		sum := as[row] + bs[row]
		sums[row] = sum
		if sum > 10 {
			label.Append("big")
		} else {
			label.Append("small")
		}
		positive.Append(sum > 0)
	}
	return plugin.NewOutput(plugin.ColumnOf(sums, valid), label.Finish(), positive.Finish()), nil
}
