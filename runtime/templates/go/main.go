// {{name}}: multiplies the float64 column `value` by `factor` (default 2)
// into a new column `scaled`; a null stays null.
// Build: wasmprep plugin build .   (or wasmprep-c-bindgen build-go -o {{name}}.wasm .)
package main

import "wasmprep.dev/plugin"

// Scale is the plugin; the host makes one per instance.
type Scale struct{ factor float64 }

func init() {
	plugin.Register(func() plugin.Plugin { return &Scale{} })
}

func (s *Scale) Configure(config *plugin.Config) (*plugin.Contract, error) {
	// A key the plugin never reads is refused ("unknown key(s): ...").
	var err error
	if s.factor, err = config.Float64("factor", 2); err != nil {
		return nil, err
	}
	return plugin.NewContract("{{name}}", "0.1.0").
		Input("value", plugin.Float64Type).
		NullableOutput("scaled", plugin.Float64Type), nil
}

func (s *Scale) Process(batch *plugin.Batch) (plugin.Output, error) {
	value := batch.Get("value")
	values := value.Float64s() // a view into the input: no copy
	scaled := make([]float64, batch.Len())
	for row, v := range values {
		scaled[row] = v * s.factor // a null row's slot holds 0
	}
	// The output is null where the input is.
	validity := plugin.ValidWhereAll(batch.Len(), value)
	return plugin.NewOutput(plugin.ColumnOf(scaled, validity)), nil
}

// main is not run: the host calls the exported functions.
func main() {}
