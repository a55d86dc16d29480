// fare-per-km: a wasmprep plugin in Go, written with the kit (sdk/go).
//
// Adds fare_per_km = fare_amount / trip_distance in km (float64), null where
// either input is null or the distance is zero; a negative distance is an
// invalid input, reported with its row.
//
// Columns arrive as Arrow buffers: `Float64s()` is a []float64 over the
// float64 values, so nothing is converted at the boundary; the output is a
// []float64 and a validity bitmap.
//
// Configuration (optional): `output` names the new column (default
// fare_per_km); `distance_unit` is the unit of trip_distance, `mile`
// (default, as in the NYC taxi data) or `km`.
//
// Build: wasmprep-c-bindgen build-go -o fare-per-km.wasm .
package main

import "wasmprep.dev/plugin"

var kmPer = map[string]float64{"mile": 1.609344, "km": 1}

// FarePerKm is the plugin; one value per instance.
type FarePerKm struct {
	output string
	kmPer  float64
}

func init() {
	plugin.Register(func() plugin.Plugin { return &FarePerKm{} })
}

func (p *FarePerKm) Configure(config *plugin.Config) (*plugin.Contract, error) {
	p.output = config.String("output", "fare_per_km")
	unit := config.String("distance_unit", "mile")
	k, ok := kmPer[unit]
	if !ok {
		return nil, plugin.InvalidConfig("`distance_unit` = %q: expected mile or km", unit)
	}
	p.kmPer = k
	plugin.Debugf("fare-per-km writes `%s` (distances in %s)", p.output, unit)
	return plugin.NewContract("fare-per-km", "0.1.0").
		Input("fare_amount", plugin.Float64Type).
		Input("trip_distance", plugin.Float64Type).
		NullableOutput(p.output, plugin.Float64Type), nil
}

func (p *FarePerKm) Process(batch *plugin.Batch) (plugin.Output, error) {
	fare, distance := batch.Get("fare_amount"), batch.Get("trip_distance")
	fares, distances := fare.Float64s(), distance.Float64s()
	rows := batch.Len()
	values := make([]float64, rows)
	// Valid where both inputs are (their bitmaps ANDed a byte at a time),
	// so the loop reads no bitmap for the common rows.
	validity := plugin.ValidWhereAll(rows, fare, distance)
	for row := range rows {
		d := distances[row]
		switch {
		case d > 0:
			values[row] = fares[row] / (d * p.kmPer)
		case d < 0 && validity.IsValid(row):
			return plugin.Output{}, plugin.InvalidInput("negative distance %v", d).InColumn("trip_distance").AtRow(row)
		default:
			validity.SetNull(row) // a zero distance (a row already null stays null)
		}
	}
	return plugin.NewOutput(plugin.ColumnOf(values, validity)), nil
}

// main is not run: the host calls the exported functions.
func main() {}
