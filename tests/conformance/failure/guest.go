// Package failure is the guest of the case failure: it fails every batch
// with a failure (not an input or configuration error).
package failure

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("failure", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("failure", "0.1.0").
		Input("n", plugin.Int32Type).
		NullableOutput("n", plugin.Int32Type), nil
}

func (*Case) Process(*plugin.Batch) (plugin.Output, error) {
	return plugin.Output{}, plugin.Failure("the failure case fails on purpose")
}
