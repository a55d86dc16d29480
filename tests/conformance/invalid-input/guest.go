// Package invalidinput is the guest of the case invalid-input: it refuses
// the first negative `n`, naming its row and column.
package invalidinput

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("invalid-input", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("invalid-input", "0.1.0").
		Input("n", plugin.Int32Type).
		NullableOutput("n", plugin.Int32Type), nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	n := batch.Get("n")
	for row, v := range n.Int32s() {
		if n.IsValid(row) && v < 0 {
			return plugin.Output{}, plugin.InvalidInput("negative value %d", v).InColumn("n").AtRow(row)
		}
	}
	return plugin.NewOutput(n), nil
}
