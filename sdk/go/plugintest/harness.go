// Package plugintest runs a wasmprep Go plugin natively, the way the host
// does (Configure once, then Process per batch, with the kit's checks),
// so a plugin's logic is unit tested with plain `go test`.
package plugintest

import (
	"fmt"
	"sync"

	"wasmprep.dev/plugin"
)

// Record is one log message.
type Record struct {
	Level   plugin.LogLevel
	Message string
}

// Harness is one configured plugin instance.
type Harness struct {
	instance *plugin.Instance
	// Contract is what Configure returned.
	Contract *plugin.Contract
	logs     []Record
}

var sinkMu sync.Mutex

// New configures p with config (nil = empty) and returns the harness; the
// error is the plugin's (a *plugin.ConfigError for an unknown key, ...).
func New(p plugin.Plugin, config map[string]string) (*Harness, error) {
	h := &Harness{instance: plugin.NewInstance(p)}
	var err error
	h.capture(func() { h.Contract, err = h.instance.Configure(plugin.ConfigFromMap(config)) })
	if err != nil {
		return nil, plugin.Classify(err)
	}
	return h, nil
}

// Process runs one batch: columns maps each input of the contract to its
// column (every input must be there). The error is classified as the host
// would see it (*plugin.InputError, *plugin.FailureError, ...).
func (h *Harness) Process(columns map[string]plugin.Column) (*Result, error) {
	in := make([]plugin.Column, len(h.Contract.Inputs))
	for i, spec := range h.Contract.Inputs {
		c, ok := columns[spec.Name]
		if !ok {
			return nil, fmt.Errorf("the contract reads `%s`: pass it to Process", spec.Name)
		}
		if !spec.Nullable && c.NullCount > 0 {
			return nil, fmt.Errorf("input `%s` holds nulls, which the contract refuses (the host would not call process)", spec.Name)
		}
		in[i] = c
	}
	var out plugin.Output
	var err error
	h.capture(func() { out, err = h.instance.Process(in) })
	if err != nil {
		return nil, plugin.Classify(err)
	}
	return &Result{specs: h.Contract.Outputs, Output: out}, nil
}

// TakeLogs returns the messages logged so far and forgets them.
func (h *Harness) TakeLogs() []Record {
	logs := h.logs
	h.logs = nil
	return logs
}

func (h *Harness) capture(call func()) {
	sinkMu.Lock()
	defer sinkMu.Unlock()
	previous := plugin.SetLogSink(func(level plugin.LogLevel, message string) {
		h.logs = append(h.logs, Record{level, message})
	})
	defer plugin.SetLogSink(previous)
	call()
}

// Result is what one Process call returned.
type Result struct {
	specs  []plugin.ColumnSpec
	Output plugin.Output
}

// Column is the output column name (it panics on a name not declared).
func (r *Result) Column(name string) plugin.Column {
	for i, s := range r.specs {
		if s.Name == name {
			return r.Output.Columns[i]
		}
	}
	panic(fmt.Sprintf("no output column `%s`", name))
}

// Values is the output column name as Go values, nil for a null: float64,
// float32, intN/uintN, bool or string by the declared type; easy to
// compare with reflect.DeepEqual.
func (r *Result) Values(name string) []any {
	for i, s := range r.specs {
		if s.Name == name {
			return Values(r.Output.Columns[i], s.Type)
		}
	}
	panic(fmt.Sprintf("no output column `%s`", name))
}

// Values is c as Go values of type t, nil for a null.
func Values(c plugin.Column, t plugin.DataType) []any {
	out := make([]any, c.Len)
	for row := range out {
		if c.IsNull(row) {
			continue
		}
		switch t.Kind {
		case plugin.Boolean:
			out[row] = c.Bool(row)
		case plugin.Int8:
			out[row] = c.Int8s()[row]
		case plugin.Int16:
			out[row] = c.Int16s()[row]
		case plugin.Int32, plugin.Date32:
			out[row] = c.Int32s()[row]
		case plugin.Int64, plugin.Timestamp, plugin.Duration:
			out[row] = c.Int64s()[row]
		case plugin.Uint8:
			out[row] = c.Uint8s()[row]
		case plugin.Uint16:
			out[row] = c.Uint16s()[row]
		case plugin.Uint32:
			out[row] = c.Uint32s()[row]
		case plugin.Uint64:
			out[row] = c.Uint64s()[row]
		case plugin.Float32:
			out[row] = c.Float32s()[row]
		case plugin.Float64:
			out[row] = c.Float64s()[row]
		case plugin.Utf8:
			out[row] = c.Str(row)
		case plugin.LargeUtf8:
			out[row] = c.LargeStr(row)
		case plugin.Binary:
			out[row] = c.Bytes(row)
		case plugin.LargeBinary:
			out[row] = c.LargeBytes(row)
		}
	}
	return out
}

// Of makes a fixed-width column from values, nil for a null: Of[float64](10, nil, 7.5).
// A value must be a T, or an untyped number (int or float64) convertible to T.
func Of[T plugin.Primitive](values ...any) plugin.Column {
	b := plugin.NewBuilder[T](len(values))
	for _, v := range values {
		switch v := v.(type) {
		case nil:
			b.AppendNull()
		case T:
			b.Append(v)
		case int:
			b.Append(T(v))
		case float64:
			b.Append(T(v))
		default:
			panic(fmt.Sprintf("plugintest.Of: %v (%T) is not a number", v, v))
		}
	}
	return b.Finish()
}

// Strings makes a utf8 column, nil for a null: Strings("a", nil, "c").
func Strings(values ...any) plugin.Column {
	b := plugin.NewStringBuilder(len(values))
	for _, v := range values {
		switch v := v.(type) {
		case nil:
			b.AppendNull()
		case string:
			b.Append(v)
		default:
			panic(fmt.Sprintf("plugintest.Strings: %v (%T) is not a string", v, v))
		}
	}
	return b.Finish()
}

// Bools makes a boolean column, nil for a null.
func Bools(values ...any) plugin.Column {
	b := plugin.NewBoolBuilder()
	for _, v := range values {
		switch v := v.(type) {
		case nil:
			b.AppendNull()
		case bool:
			b.Append(v)
		default:
			panic(fmt.Sprintf("plugintest.Bools: %v (%T) is not a bool", v, v))
		}
	}
	return b.Finish()
}
