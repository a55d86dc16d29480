// Package filter is the guest of the case filter: it keeps the rows whose
// `n` is even (a null `n` is dropped).
package filter

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("filter", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("filter", "0.1.0").Input("n", plugin.Int32Type).Filtering(), nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	n := batch.Get("n")
	keep := plugin.NewSelection(batch.Len())
	for row, v := range n.Int32s() {
		if n.IsValid(row) && v%2 == 0 {
			keep.Keep(row)
		}
	}
	return plugin.NewOutput().Select(keep), nil
}
