package plugin

// Kind is the case of the WIT variant `data-type`, in WIT order (the
// canonical ABI discriminant).
type Kind uint8

const (
	Boolean Kind = iota
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float32
	Float64
	Utf8
	LargeUtf8
	Binary
	LargeBinary
	Date32
	Timestamp
	Duration
)

var kindNames = [...]string{
	"boolean", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
	"float32", "float64", "utf8", "large-utf8", "binary", "large-binary", "date32",
	"timestamp", "duration",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// TimeUnit is the resolution of timestamps and durations (WIT `time-unit`).
type TimeUnit uint8

const (
	Second TimeUnit = iota
	Millisecond
	Microsecond
	Nanosecond
)

// DataType is an Arrow type at the boundary (WIT `data-type`). Unit is
// used by Timestamp and Duration; Timezone only by Timestamp ("" = naive).
type DataType struct {
	Kind     Kind
	Unit     TimeUnit
	Timezone string
}

// The data types without parameters, for contracts.
var (
	BooleanType     = DataType{Kind: Boolean}
	Int8Type        = DataType{Kind: Int8}
	Int16Type       = DataType{Kind: Int16}
	Int32Type       = DataType{Kind: Int32}
	Int64Type       = DataType{Kind: Int64}
	Uint8Type       = DataType{Kind: Uint8}
	Uint16Type      = DataType{Kind: Uint16}
	Uint32Type      = DataType{Kind: Uint32}
	Uint64Type      = DataType{Kind: Uint64}
	Float32Type     = DataType{Kind: Float32}
	Float64Type     = DataType{Kind: Float64}
	Utf8Type        = DataType{Kind: Utf8}
	LargeUtf8Type   = DataType{Kind: LargeUtf8}
	BinaryType      = DataType{Kind: Binary}
	LargeBinaryType = DataType{Kind: LargeBinary}
	Date32Type      = DataType{Kind: Date32}
)

// TimestampType is a timestamp in unit; timezone "" is a naive timestamp.
func TimestampType(unit TimeUnit, timezone string) DataType {
	return DataType{Kind: Timestamp, Unit: unit, Timezone: timezone}
}

// DurationType is a duration in unit.
func DurationType(unit TimeUnit) DataType { return DataType{Kind: Duration, Unit: unit} }

// ColumnSpec is a column the plugin reads or writes (WIT `column-spec`).
type ColumnSpec struct {
	Name     string
	Type     DataType
	Nullable bool
}

// Contract is what a plugin does with its configuration (WIT `contract`):
// build it with NewContract and the Input/Output methods.
type Contract struct {
	Name    string
	Version string
	Inputs  []ColumnSpec
	Outputs []ColumnSpec
	Filters bool
}

// NewContract starts the contract of the plugin name at version (semver).
func NewContract(name, version string) *Contract {
	return &Contract{Name: name, Version: version}
}

// Input declares the next column read; it may hold nulls.
func (c *Contract) Input(name string, t DataType) *Contract {
	c.Inputs = append(c.Inputs, ColumnSpec{name, t, true})
	return c
}

// RequiredInput declares the next column read; the host refuses a batch
// where it holds nulls, so the plugin need not check validity.
func (c *Contract) RequiredInput(name string, t DataType) *Contract {
	c.Inputs = append(c.Inputs, ColumnSpec{name, t, false})
	return c
}

// Output declares the next column written, without nulls.
func (c *Contract) Output(name string, t DataType) *Contract {
	c.Outputs = append(c.Outputs, ColumnSpec{name, t, false})
	return c
}

// NullableOutput declares the next column written, which may hold nulls.
func (c *Contract) NullableOutput(name string, t DataType) *Contract {
	c.Outputs = append(c.Outputs, ColumnSpec{name, t, true})
	return c
}

// Filtering declares that Process returns a row selection.
func (c *Contract) Filtering() *Contract {
	c.Filters = true
	return c
}

// LogLevel is the WIT `log-level`, in WIT order.
type LogLevel uint8

const (
	LevelTrace LogLevel = iota
	LevelDebug
	LevelInfo
	LevelWarn
	LevelError
)

var levelNames = [...]string{"trace", "debug", "info", "warn", "error"}

func (l LogLevel) String() string {
	if int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "unknown"
}
