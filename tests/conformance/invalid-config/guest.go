// Package invalidconfig is the guest of the case invalid-config: it
// refuses a `factor` that is not a number.
package invalidconfig

import (
	"strconv"

	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("invalid-config", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(config *plugin.Config) (*plugin.Contract, error) {
	// Not config.Float64: its message is the kit's, this case's is its own.
	factor := config.String("factor", "1")
	if _, err := strconv.ParseFloat(factor, 64); err != nil {
		return nil, plugin.InvalidConfig("factor must be a number, not `%s`", factor)
	}
	return plugin.NewContract("invalid-config", "0.1.0").
		Input("n", plugin.Int32Type).
		NullableOutput("n", plugin.Int32Type), nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	return plugin.NewOutput(batch.Get("n")), nil
}
