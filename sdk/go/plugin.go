// Package plugin is the Go kit for wasmprep plugins: a plugin implements
// Plugin and registers it with Register in an init function; the kit
// exports it as the WIT world `wasmprep:plugin/plugin` (see README.md).
//
// Everything but the boundary itself (abi_wasip1.go) also compiles for
// the host, so a plugin's logic is unit tested with plain `go test`
// through the harness in wasmprep.dev/plugin/plugintest.
package plugin

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// Plugin is what a plugin author implements.
type Plugin interface {
	// Configure reads the configuration and returns the contract. It is
	// called once per instance, before any batch. A key it never reads is
	// refused after it returns.
	Configure(config *Config) (*Contract, error)
	// Process transforms one batch: its columns are the contract's inputs,
	// in order. It returns one column per declared output, in order.
	Process(batch *Batch) (Output, error)
}

// Batch is the input columns of one batch, as the contract declares them.
type Batch struct {
	Specs   []ColumnSpec
	Columns []Column
}

// Len is the number of rows (0 when the contract reads no column).
func (b *Batch) Len() int {
	if len(b.Columns) == 0 {
		return 0
	}
	return b.Columns[0].Len
}

// Get is the input column name; a name the contract does not read panics
// (the host then sees a failure naming it).
func (b *Batch) Get(name string) Column {
	for i, s := range b.Specs {
		if s.Name == name {
			return b.Columns[i]
		}
	}
	panic(fmt.Sprintf("no input column `%s` in the contract", name))
}

// Output is what Process returns: one column per declared output, in
// contract order, and a selection when the contract filters.
type Output struct {
	Columns   []Column
	Selection *Selection
}

// NewOutput makes an output of the given columns.
func NewOutput(columns ...Column) Output { return Output{Columns: columns} }

// Select attaches the row selection (contracts that filter only).
func (o Output) Select(s *Selection) Output {
	o.Selection = s
	return o
}

// Instance runs one plugin the way the host does: Configure once, then
// Process per batch, with the kit's checks and panics turned into errors.
// The WebAssembly exports and the test harness both go through it.
type Instance struct {
	plugin   Plugin
	contract *Contract
}

var registered func() Plugin

// Register makes newPlugin the plugin this module exports. Call it once,
// from an init function of package main; newPlugin is called for each
// instance (the host makes one per worker).
func Register(newPlugin func() Plugin) {
	if registered != nil {
		panic("plugin.Register called twice")
	}
	registered = newPlugin
}

// NewInstance makes an instance of p, not yet configured.
func NewInstance(p Plugin) *Instance { return &Instance{plugin: p} }

// Contract is the contract Configure returned (nil before).
func (in *Instance) Contract() *Contract { return in.contract }

// Configure calls the plugin's Configure, then refuses unknown keys.
func (in *Instance) Configure(config *Config) (contract *Contract, err error) {
	defer recoverInto(&err, "configure")
	contract, err = in.plugin.Configure(config)
	if err != nil {
		return nil, err
	}
	if contract == nil {
		return nil, Failure("Configure returned no contract and no error")
	}
	if err := config.Finish(); err != nil {
		return nil, err
	}
	in.contract = contract
	return contract, nil
}

// Process calls the plugin's Process on columns (the contract's inputs, in
// order) and checks the output against the contract.
func (in *Instance) Process(columns []Column) (out Output, err error) {
	if in.contract == nil {
		return Output{}, Failure("process called before configure")
	}
	defer recoverInto(&err, "process")
	batch := &Batch{Specs: in.contract.Inputs, Columns: columns}
	out, err = in.plugin.Process(batch)
	if err != nil {
		return Output{}, err
	}
	return out, in.check(out, batch.Len())
}

func (in *Instance) check(out Output, rows int) error {
	c := in.contract
	if len(out.Columns) != len(c.Outputs) {
		return Failure("process returned %d column(s); the contract declares %d", len(out.Columns), len(c.Outputs))
	}
	for i, col := range out.Columns {
		spec := c.Outputs[i]
		switch {
		case col.Len != rows:
			return Failure("output `%s` has %d rows; the batch has %d", spec.Name, col.Len, rows)
		case col.NullCount > 0 && !spec.Nullable:
			return Failure("output `%s` holds %d null(s) but is declared without nulls (use NullableOutput)", spec.Name, col.NullCount)
		}
	}
	if (out.Selection != nil) != c.Filters {
		if c.Filters {
			return Failure("the contract filters but process returned no selection")
		}
		return Failure("process returned a selection but the contract does not filter (use Filtering)")
	}
	return nil
}

// recoverInto turns a panic into a FailureError, logging the stack.
func recoverInto(err *error, call string) {
	if r := recover(); r != nil {
		stack := string(debug.Stack())
		Log(LevelError, fmt.Sprintf("panic in %s: %v\n%s", call, r, stack))
		*err = Failure("panic in %s: %v", call, r)
	}
}

// Classify maps an error to its WIT case: a *ConfigError, an *InputError,
// or anything else as a *FailureError (wrapped errors are unwrapped).
func Classify(err error) error {
	var config *ConfigError
	var input *InputError
	var failure *FailureError
	switch {
	case errors.As(err, &config):
		return config
	case errors.As(err, &input):
		return input
	case errors.As(err, &failure):
		return failure
	}
	return &FailureError{err.Error()}
}

// Log sends a message to the host's log under the plugin's name.
func Log(level LogLevel, message string) { logSink(level, message) }

// Tracef, Debugf, Infof, Warnf and Errorf log a formatted message.
func Tracef(format string, args ...any) { logf(LevelTrace, format, args) }
func Debugf(format string, args ...any) { logf(LevelDebug, format, args) }
func Infof(format string, args ...any)  { logf(LevelInfo, format, args) }
func Warnf(format string, args ...any)  { logf(LevelWarn, format, args) }
func Errorf(format string, args ...any) { logf(LevelError, format, args) }

func logf(level LogLevel, format string, args []any) {
	logSink(level, strings.TrimSuffix(fmt.Sprintf(format, args...), "\n"))
}

// logSink is where Log goes: the host import in WebAssembly; SetLogSink
// changes it (the test harness records messages).
var logSink = defaultLogSink

// SetLogSink sends the kit's log messages to sink and returns the previous
// sink (for test harnesses).
func SetLogSink(sink func(LogLevel, string)) func(LogLevel, string) {
	previous := logSink
	logSink = sink
	return previous
}
