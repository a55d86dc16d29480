// Package fareperkm is the guest of the case fare-per-km, the cost
// table's kernel (`make bench-kits`): fare_per_km = fare_amount /
// (trip_distance in miles * 1.609344), null where an input is null or the
// distance is not positive.
package fareperkm

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// Case is the guest.
type Case struct{}

func init() {
	guests.Register("fare-per-km", func() plugin.Plugin { return &Case{} })
}

func (*Case) Configure(*plugin.Config) (*plugin.Contract, error) {
	return plugin.NewContract("fare-per-km", "0.1.0").
		Input("fare_amount", plugin.Float64Type).
		Input("trip_distance", plugin.Float64Type).
		NullableOutput("fare_per_km", plugin.Float64Type), nil
}

func (*Case) Process(batch *plugin.Batch) (plugin.Output, error) {
	fare, distance := batch.Get("fare_amount"), batch.Get("trip_distance")
	// Views over the input buffers, one output slice, one bitmap: nothing
	// is allocated per row.
	fares, distances := fare.Float64s(), distance.Float64s()
	perKm := make([]float64, len(distances))
	fares = fares[:len(distances)] // one bounds check here, none in the loop
	valid := plugin.ValidWhereAll(len(distances), fare, distance)
	for row, d := range distances {
		perKm[row] = fares[row] / (d * 1.609344)
		if !(d > 0) {
			valid.SetNull(row)
		}
	}
	return plugin.NewOutput(plugin.ColumnOf(perKm, valid)), nil
}
