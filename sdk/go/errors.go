package plugin

import "fmt"

// ConfigError is WIT `error.invalid-config`: the configuration is wrong.
// The host reports it as "plugin NAME rejected its configuration: MESSAGE".
type ConfigError struct{ Message string }

func (e *ConfigError) Error() string { return e.Message }

// InputError is WIT `error.invalid-input`: a value the plugin cannot
// process, located by row (within the batch) and column when known.
type InputError struct {
	Message string
	Row     int    // -1 when the problem is not one row's
	Column  string // "" when the problem is not one column's
}

func (e *InputError) Error() string {
	switch {
	case e.Column != "" && e.Row >= 0:
		return fmt.Sprintf("invalid input in column `%s` at row %d: %s", e.Column, e.Row, e.Message)
	case e.Column != "":
		return fmt.Sprintf("invalid input in column `%s`: %s", e.Column, e.Message)
	case e.Row >= 0:
		return fmt.Sprintf("invalid input at row %d: %s", e.Row, e.Message)
	}
	return "invalid input: " + e.Message
}

// AtRow locates the error at row (an index within the batch).
func (e *InputError) AtRow(row int) *InputError {
	e.Row = row
	return e
}

// InColumn locates the error in the column name.
func (e *InputError) InColumn(name string) *InputError {
	e.Column = name
	return e
}

// FailureError is WIT `error.failure`: anything else. A Go error of any
// other type returned by Configure or Process, and a panic, become one.
type FailureError struct{ Message string }

func (e *FailureError) Error() string { return e.Message }

// InvalidConfig makes a ConfigError with a formatted message.
func InvalidConfig(format string, args ...any) error {
	return &ConfigError{fmt.Sprintf(format, args...)}
}

// InvalidInput makes an InputError with a formatted message; locate it
// with AtRow and InColumn.
func InvalidInput(format string, args ...any) *InputError {
	return &InputError{Message: fmt.Sprintf(format, args...), Row: -1}
}

// Failure makes a FailureError with a formatted message.
func Failure(format string, args ...any) error {
	return &FailureError{fmt.Sprintf(format, args...)}
}
