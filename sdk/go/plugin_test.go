package plugin_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"wasmprep.dev/plugin"
	"wasmprep.dev/plugin/plugintest"
)

func TestConfigReadsTypedValuesAndRefusesUnknownKeys(t *testing.T) {
	c := plugin.NewConfig([][2]string{{"rate", "0.5"}, {"n", "3"}, {"on", "true"}, {"typo", "x"}, {"bad", "abc"}})
	if v, err := c.Float64("rate", 1); v != 0.5 || err != nil {
		t.Fatalf("rate %v %v", v, err)
	}
	if v, err := c.Int("n", 0); v != 3 || err != nil {
		t.Fatalf("n %v %v", v, err)
	}
	if v, err := c.Bool("on", false); !v || err != nil {
		t.Fatalf("on %v %v", v, err)
	}
	if v, _ := c.Float64("absent", 7); v != 7 {
		t.Fatalf("fallback %v", v)
	}
	_, err := c.Float64("bad", 0)
	var config *plugin.ConfigError
	if !errors.As(err, &config) || config.Message != "`bad` must be a number, not `abc`" {
		t.Fatalf("bad: %v", err)
	}
	if err := c.Finish(); err == nil || err.Error() != "unknown key(s): typo" {
		t.Fatalf("finish: %v", err)
	}
}

func TestBuildersRoundTripThroughViews(t *testing.T) {
	b := plugin.NewBuilder[int32](0)
	b.Append(1)
	b.AppendNull()
	b.Append(-3)
	c := b.Finish()
	if c.Len != 3 || c.NullCount != 1 || c.IsValid(1) || !c.IsValid(2) {
		t.Fatalf("%+v", c)
	}
	if got := c.Int32s(); got[0] != 1 || got[2] != -3 {
		t.Fatalf("%v", got)
	}
	if got := plugintest.Values(plugintest.Strings("a", nil, "ccc"), plugin.Utf8Type); !reflect.DeepEqual(got, []any{"a", nil, "ccc"}) {
		t.Fatalf("strings %v", got)
	}
	if got := plugintest.Values(plugintest.Bools(true, false, nil, true), plugin.BooleanType); !reflect.DeepEqual(got, []any{true, false, nil, true}) {
		t.Fatalf("bools %v", got)
	}
	if c := plugintest.Of[float64](1, 2); c.Validity != nil || c.NullCount != 0 {
		t.Fatalf("a column without nulls has a bitmap: %+v", c)
	}
}

func TestAMisalignedBufferIsCopiedNotMisread(t *testing.T) {
	raw := make([]byte, 17)
	raw[1] = 1 // 1.0 as float64 has bytes 00..00 f0 3f; set an int64 1 instead
	c := plugin.Column{Len: 2, Values: raw[1:17]}
	if got := c.Int64s(); got[0] != 1 || got[1] != 0 {
		t.Fatalf("%v", got)
	}
}

func TestValidWhereAllAndsTheBitmaps(t *testing.T) {
	a := plugintest.Of[float64](1, nil, 3, 4)
	b := plugintest.Of[float64](1, 2, nil, 4)
	v := plugin.ValidWhereAll(4, a, b)
	bits, nulls := v.Bitmap()
	if nulls != 2 || bits[0] != 0b1001 {
		t.Fatalf("%08b %d", bits[0], nulls)
	}
	if bits, nulls := plugin.AllValid(9).Bitmap(); bits != nil || nulls != 0 {
		t.Fatal("all valid has a bitmap")
	}
}

// A small plugin to drive the kit's checks.
type scale struct {
	factor float64
	panics bool
	wrong  bool
}

func (s *scale) Configure(c *plugin.Config) (*plugin.Contract, error) {
	var err error
	if s.factor, err = c.Float64("factor", 2); err != nil {
		return nil, err
	}
	plugin.Infof("factor %v", s.factor)
	return plugin.NewContract("scale", "0.1.0").
		Input("value", plugin.Float64Type).
		NullableOutput("scaled", plugin.Float64Type), nil
}

func (s *scale) Process(batch *plugin.Batch) (plugin.Output, error) {
	if s.panics {
		var m map[string]int
		m["x"] = 1
	}
	value := batch.Get("value")
	out := plugin.NewBuilder[float64](batch.Len())
	for row, v := range value.Float64s() {
		if value.IsNull(row) {
			out.AppendNull()
		} else if v < 0 {
			return plugin.Output{}, fmt.Errorf("wrapped: %w", plugin.InvalidInput("negative %v", v).AtRow(row).InColumn("value"))
		} else {
			out.Append(v * s.factor)
		}
	}
	if s.wrong {
		return plugin.NewOutput(), nil
	}
	return plugin.NewOutput(out.Finish()), nil
}

func TestTheHarnessRunsAPluginAsTheHostDoes(t *testing.T) {
	h, err := plugintest.New(&scale{}, map[string]string{"factor": "3"})
	if err != nil {
		t.Fatal(err)
	}
	if logs := h.TakeLogs(); len(logs) != 1 || logs[0].Level != plugin.LevelInfo || logs[0].Message != "factor 3" {
		t.Fatalf("logs %v", logs)
	}
	out, err := h.Process(map[string]plugin.Column{"value": plugintest.Of[float64](1.5, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if got := out.Values("scaled"); !reflect.DeepEqual(got, []any{4.5, nil}) {
		t.Fatalf("%v", got)
	}
}

func TestErrorsReachTheHostClassified(t *testing.T) {
	h, _ := plugintest.New(&scale{}, nil)
	_, err := h.Process(map[string]plugin.Column{"value": plugintest.Of[float64](1, -2)})
	var input *plugin.InputError
	if !errors.As(err, &input) || input.Row != 1 || input.Column != "value" {
		t.Fatalf("%#v", err)
	}
	if err.Error() != "invalid input in column `value` at row 1: negative -2" {
		t.Fatalf("%v", err)
	}
	if _, err := plugintest.New(&scale{}, map[string]string{"factor": "x"}); err == nil {
		t.Fatal("a bad factor was accepted")
	}
}

func TestAPanicBecomesAFailureAndItsStackIsLogged(t *testing.T) {
	h, _ := plugintest.New(&scale{panics: true}, nil)
	h.TakeLogs()
	_, err := h.Process(map[string]plugin.Column{"value": plugintest.Of[float64](1)})
	var failure *plugin.FailureError
	if !errors.As(err, &failure) || !strings.HasPrefix(failure.Message, "panic in process: assignment to entry in nil map") {
		t.Fatalf("%v", err)
	}
	logs := h.TakeLogs()
	if len(logs) != 1 || logs[0].Level != plugin.LevelError || !strings.Contains(logs[0].Message, "goroutine") {
		t.Fatalf("logs %v", logs)
	}
}

func TestAnOutputThatBreaksTheContractIsAFailure(t *testing.T) {
	h, _ := plugintest.New(&scale{wrong: true}, nil)
	_, err := h.Process(map[string]plugin.Column{"value": plugintest.Of[float64](1)})
	if err == nil || err.Error() != "process returned 0 column(s); the contract declares 1" {
		t.Fatalf("%v", err)
	}
}
