// Unit tests with plain `go test` (no WebAssembly).
package main

import (
	"reflect"
	"testing"

	"wasmprep.dev/plugin"
	"wasmprep.dev/plugin/plugintest"
)

func TestScalesAndKeepsNulls(t *testing.T) {
	h, err := plugintest.New(&Scale{}, map[string]string{"factor": "3"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := h.Process(map[string]plugin.Column{"value": plugintest.Of[float64](1.5, nil, -2)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.Values("scaled"), []any{4.5, nil, -6.0}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestAnUnknownKeyIsRefused(t *testing.T) {
	if _, err := plugintest.New(&Scale{}, map[string]string{"factr": "3"}); err == nil {
		t.Fatal("a typo was accepted")
	}
}
