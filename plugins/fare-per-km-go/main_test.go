// Unit tests of fare-per-km with plain `go test` (no WebAssembly).
package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"wasmprep.dev/plugin"
	"wasmprep.dev/plugin/plugintest"
)

func f64(values ...any) plugin.Column { return plugintest.Of[float64](values...) }

func TestNullWhereAnInputIsNullOrTheDistanceIsZero(t *testing.T) {
	h, err := plugintest.New(&FarePerKm{}, map[string]string{"distance_unit": "km"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Process(map[string]plugin.Column{
		"fare_amount":   f64(10, nil, 7.5, 12, 0),
		"trip_distance": f64(2, 3, 0, nil, 0.8),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.Values("fare_per_km"), []any{5.0, nil, nil, nil, 0.0}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if n := out.Column("fare_per_km").NullCount; n != 3 {
		t.Fatalf("null count %d, want 3", n)
	}
}

func TestDistancesAreInMilesByDefault(t *testing.T) {
	h, err := plugintest.New(&FarePerKm{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Process(map[string]plugin.Column{"fare_amount": f64(16.09344), "trip_distance": f64(10)})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Values("fare_per_km"); !reflect.DeepEqual(got, []any{1.0}) {
		t.Fatalf("got %v", got)
	}
}

func TestOutputRenamesTheColumnAndTheConfigurationIsLogged(t *testing.T) {
	h, err := plugintest.New(&FarePerKm{}, map[string]string{"output": "price_per_km"})
	if err != nil {
		t.Fatal(err)
	}
	if name := h.Contract.Outputs[0].Name; name != "price_per_km" {
		t.Fatalf("output %q", name)
	}
	want := []plugintest.Record{{Level: plugin.LevelDebug, Message: "fare-per-km writes `price_per_km` (distances in mile)"}}
	if got := h.TakeLogs(); !reflect.DeepEqual(got, want) {
		t.Fatalf("logs %v", got)
	}
}

func TestANegativeDistanceIsAnInvalidInputNamingItsColumnAndRow(t *testing.T) {
	h, _ := plugintest.New(&FarePerKm{}, nil)
	_, err := h.Process(map[string]plugin.Column{"fare_amount": f64(10, 8), "trip_distance": f64(2, -1.5)})
	var input *plugin.InputError
	if !errors.As(err, &input) || input.Column != "trip_distance" || input.Row != 1 || input.Message != "negative distance -1.5" {
		t.Fatalf("got %#v", err)
	}
}

func TestUnknownKeysAndUnitsAreRefused(t *testing.T) {
	_, err := plugintest.New(&FarePerKm{}, map[string]string{"distance_units": "km"})
	var config *plugin.ConfigError
	if !errors.As(err, &config) || config.Message != "unknown key(s): distance_units" {
		t.Fatalf("got %v", err)
	}
	_, err = plugintest.New(&FarePerKm{}, map[string]string{"distance_unit": "furlong"})
	if !errors.As(err, &config) || !strings.Contains(config.Message, "expected mile or km") {
		t.Fatalf("got %v", err)
	}
}
