// Package logging is the guest of the case logging: it logs one message
// at each level per batch; the batch passes unchanged.
package logging

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("logging", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("logging", "0.1.0").
		Input("n", plugin.Int32Type).
		NullableOutput("n", plugin.Int32Type), nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	plugin.Log(plugin.LevelTrace, "trace message")
	plugin.Log(plugin.LevelDebug, "debug message")
	plugin.Log(plugin.LevelInfo, "info message")
	plugin.Log(plugin.LevelWarn, "warn message")
	plugin.Errorf("error message, %d rows", batch.Len())
	return plugin.NewOutput(batch.Get("n")), nil
}
