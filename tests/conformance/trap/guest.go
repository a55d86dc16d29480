// Package trap is the guest of the case trap: it panics; the kit recovers
// the panic and the host reports a failure carrying its text.
package trap

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("trap", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("trap", "0.1.0").
		Input("n", plugin.Int32Type).
		NullableOutput("n", plugin.Int32Type), nil
}

func (*Case) Process(*plugin.Batch) (plugin.Output, error) {
	panic("conformance trap: boom")
}
