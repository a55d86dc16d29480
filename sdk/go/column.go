package plugin

import (
	"fmt"
	"math/bits"
	"unsafe"
)

// Column is one column as Arrow buffers (WIT `column`): little endian,
// bitmaps least significant bit first, no offset.
type Column struct {
	Len       int
	NullCount int
	Validity  []byte // ceil(Len/8) bytes, 1 = valid; nil = no nulls
	Offsets   []byte // utf8/binary: Len+1 int32 (large: int64); nil for the others
	Values    []byte // see the WIT `data-type` for the layout
}

// Primitive is the Go type of a fixed-width Arrow type's values
// (date32 is int32; timestamp and duration are int64).
type Primitive interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// View is the values of a fixed-width column as a []T over its buffer:
// no copy.
//
// Sound because: the bytes are a Go allocation (the kit's cabi_realloc
// made them, or a builder did) that the returned slice keeps alive, Go's
// collector does not move objects, T holds no pointers and every bit
// pattern is a valid T, and WebAssembly (like every platform Go's tests run
// on here) is little endian as Arrow is. A buffer not aligned for T (never
// the case for the kit's own allocations) is copied instead. A []T of
// fewer than Len values (a malformed column) panics.
func View[T Primitive](c Column) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(c.Values) < c.Len*size {
		panic(fmt.Sprintf("column buffer holds %d bytes, not %d values of %d bytes", len(c.Values), c.Len, size))
	}
	if c.Len == 0 {
		return []T{}
	}
	p := unsafe.Pointer(unsafe.SliceData(c.Values))
	if uintptr(p)%unsafe.Alignof(zero) != 0 {
		out := make([]T, c.Len)
		copy(bytesOf(out), c.Values)
		return out
	}
	return unsafe.Slice((*T)(p), c.Len)
}

// bytesOf is the memory of values as bytes (no copy; see View).
func bytesOf[T Primitive](values []T) []byte {
	if len(values) == 0 {
		return []byte{}
	}
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(values))), len(values)*int(unsafe.Sizeof(zero)))
}

func (c Column) Int8s() []int8       { return View[int8](c) }
func (c Column) Int16s() []int16     { return View[int16](c) }
func (c Column) Int32s() []int32     { return View[int32](c) }
func (c Column) Int64s() []int64     { return View[int64](c) }
func (c Column) Uint8s() []uint8     { return View[uint8](c) }
func (c Column) Uint16s() []uint16   { return View[uint16](c) }
func (c Column) Uint32s() []uint32   { return View[uint32](c) }
func (c Column) Uint64s() []uint64   { return View[uint64](c) }
func (c Column) Float32s() []float32 { return View[float32](c) }
func (c Column) Float64s() []float64 { return View[float64](c) }

// IsValid tells whether row holds a value (is not null).
func (c Column) IsValid(row int) bool {
	return c.Validity == nil || c.Validity[row>>3]&(1<<(row&7)) != 0
}

// IsNull tells whether row is null.
func (c Column) IsNull(row int) bool { return !c.IsValid(row) }

// Bool is row's value of a boolean column (false for a null).
func (c Column) Bool(row int) bool { return c.Values[row>>3]&(1<<(row&7)) != 0 }

// Bytes is row's value of a utf8 or binary column, a view into the buffer.
func (c Column) Bytes(row int) []byte {
	offsets := View[int32](Column{Len: c.Len + 1, Values: c.Offsets})
	return c.Values[offsets[row]:offsets[row+1]]
}

// Str is row's value of a utf8 column ("" for a null), copied.
func (c Column) Str(row int) string { return string(c.Bytes(row)) }

// LargeBytes is row's value of a large-utf8 or large-binary column (int64
// offsets), a view into the buffer.
func (c Column) LargeBytes(row int) []byte {
	offsets := View[int64](Column{Len: c.Len + 1, Values: c.Offsets})
	return c.Values[offsets[row]:offsets[row+1]]
}

// LargeStr is row's value of a large-utf8 column, copied.
func (c Column) LargeStr(row int) string { return string(c.LargeBytes(row)) }

// Validity is a validity bitmap being built: every row starts valid.
type Validity struct {
	bits []byte
	n    int
}

// AllValid is a validity of n rows, all valid.
func AllValid(n int) *Validity {
	bits := make([]byte, (n+7)/8)
	for i := range bits {
		bits[i] = 0xff
	}
	return &Validity{bits, n}
}

// ValidWhereAll is a validity of n rows, valid where every one of cols is
// (their bitmaps ANDed a byte at a time, so a row loop need not check them).
func ValidWhereAll(n int, cols ...Column) *Validity {
	v := AllValid(n)
	for _, c := range cols {
		if c.Validity != nil {
			for i := range v.bits {
				v.bits[i] &= c.Validity[i]
			}
		}
	}
	return v
}

// SetNull makes row null.
func (v *Validity) SetNull(row int) { v.bits[row>>3] &^= 1 << (row & 7) }

// IsValid tells whether row is valid.
func (v *Validity) IsValid(row int) bool { return v.bits[row>>3]&(1<<(row&7)) != 0 }

// Len is the number of rows.
func (v *Validity) Len() int { return v.n }

// Bitmap is the bitmap and its null count; nil and 0 when no row is null
// (the bits past the last row are cleared).
func (v *Validity) Bitmap() ([]byte, int) {
	if v == nil {
		return nil, 0
	}
	if v.n%8 != 0 {
		v.bits[len(v.bits)-1] &= byte(1<<(v.n%8)) - 1
	}
	nulls := v.n
	for _, b := range v.bits {
		nulls -= bits.OnesCount8(b)
	}
	if nulls == 0 {
		return nil, 0
	}
	return v.bits, nulls
}

// ColumnOf makes a column of values (no copy: the column's buffer is the
// slice's memory, so do not change values afterwards) and an optional
// validity (nil = no nulls).
func ColumnOf[T Primitive](values []T, validity *Validity) Column {
	bitmap, nulls := validity.Bitmap()
	return Column{Len: len(values), NullCount: nulls, Validity: bitmap, Values: bytesOf(values)}
}
