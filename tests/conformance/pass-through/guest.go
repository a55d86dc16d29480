// Package passthrough is the guest of the case pass-through: every
// boundary type, nullable; each column is handed back as it came.
package passthrough

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

var columns = []plugin.ColumnSpec{
	{Name: "c_bool", Type: plugin.BooleanType},
	{Name: "c_i8", Type: plugin.Int8Type},
	{Name: "c_i16", Type: plugin.Int16Type},
	{Name: "c_i32", Type: plugin.Int32Type},
	{Name: "c_i64", Type: plugin.Int64Type},
	{Name: "c_u8", Type: plugin.Uint8Type},
	{Name: "c_u16", Type: plugin.Uint16Type},
	{Name: "c_u32", Type: plugin.Uint32Type},
	{Name: "c_u64", Type: plugin.Uint64Type},
	{Name: "c_f32", Type: plugin.Float32Type},
	{Name: "c_f64", Type: plugin.Float64Type},
	{Name: "c_utf8", Type: plugin.Utf8Type},
	{Name: "c_large_utf8", Type: plugin.LargeUtf8Type},
	{Name: "c_binary", Type: plugin.BinaryType},
	{Name: "c_large_binary", Type: plugin.LargeBinaryType},
	{Name: "c_date32", Type: plugin.Date32Type},
	{Name: "c_ts_ms", Type: plugin.TimestampType(plugin.Millisecond, "")},
	{Name: "c_ts_us_tz", Type: plugin.TimestampType(plugin.Microsecond, "+01:00")},
	{Name: "c_duration_ns", Type: plugin.DurationType(plugin.Nanosecond)},
}

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("pass-through", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	contract := plugin.NewContract("pass-through", "0.1.0")
	for _, c := range columns {
		contract.Input(c.Name, c.Type).NullableOutput(c.Name, c.Type)
	}
	return contract, nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	out := make([]plugin.Column, len(columns))
	for i, c := range columns {
		out[i] = batch.Get(c.Name)
	}
	return plugin.NewOutput(out...), nil
}
