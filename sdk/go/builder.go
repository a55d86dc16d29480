package plugin

// Builder builds a fixed-width column value by value.
type Builder[T Primitive] struct {
	values   []T
	validity Validity
	nulls    bool
}

// NewBuilder makes a builder with room for capacity values.
func NewBuilder[T Primitive](capacity int) *Builder[T] {
	return &Builder[T]{values: make([]T, 0, capacity), validity: Validity{bits: make([]byte, 0, (capacity+7)/8)}}
}

// Append adds a value.
func (b *Builder[T]) Append(v T) {
	b.values = append(b.values, v)
	b.validity.push(true)
}

// AppendNull adds a null (its value slot holds 0).
func (b *Builder[T]) AppendNull() {
	var zero T
	b.values = append(b.values, zero)
	b.validity.push(false)
	b.nulls = true
}

// Len is the number of values appended.
func (b *Builder[T]) Len() int { return len(b.values) }

// Finish makes the column; the builder is empty afterwards.
func (b *Builder[T]) Finish() Column {
	var validity *Validity
	if b.nulls {
		validity = &b.validity
	}
	c := ColumnOf(b.values, validity)
	*b = Builder[T]{}
	return c
}

// push appends one row's bit.
func (v *Validity) push(valid bool) {
	if v.n%8 == 0 {
		v.bits = append(v.bits, 0)
	}
	if valid {
		v.bits[v.n>>3] |= 1 << (v.n & 7)
	}
	v.n++
}

// BoolBuilder builds a boolean column.
type BoolBuilder struct {
	values   Validity // the value bits have the same shape as a validity
	validity Validity
	nulls    bool
}

// NewBoolBuilder makes an empty boolean builder.
func NewBoolBuilder() *BoolBuilder { return &BoolBuilder{} }

// Append adds a value.
func (b *BoolBuilder) Append(v bool) {
	b.values.push(v)
	b.validity.push(true)
}

// AppendNull adds a null.
func (b *BoolBuilder) AppendNull() {
	b.values.push(false)
	b.validity.push(false)
	b.nulls = true
}

// Len is the number of values appended.
func (b *BoolBuilder) Len() int { return b.values.n }

// Finish makes the column; the builder is empty afterwards.
func (b *BoolBuilder) Finish() Column {
	c := Column{Len: b.values.n, Values: b.values.bits}
	if c.Values == nil {
		c.Values = []byte{}
	}
	if b.nulls {
		c.Validity, c.NullCount = b.validity.Bitmap()
	}
	*b = BoolBuilder{}
	return c
}

// StringBuilder builds a utf8 (or binary) column with int32 offsets.
type StringBuilder struct {
	offsets  []int32
	data     []byte
	validity Validity
	nulls    bool
}

// NewStringBuilder makes a builder with room for capacity values.
func NewStringBuilder(capacity int) *StringBuilder {
	offsets := make([]int32, 1, capacity+1)
	return &StringBuilder{offsets: offsets}
}

// Append adds a string.
func (b *StringBuilder) Append(s string) {
	b.data = append(b.data, s...)
	b.next(true)
}

// AppendBytes adds a value of a binary column.
func (b *StringBuilder) AppendBytes(v []byte) {
	b.data = append(b.data, v...)
	b.next(true)
}

// AppendNull adds a null.
func (b *StringBuilder) AppendNull() {
	b.next(false)
	b.nulls = true
}

func (b *StringBuilder) next(valid bool) {
	if len(b.offsets) == 0 {
		b.offsets = append(b.offsets, 0)
	}
	if len(b.data) > 1<<31-1 {
		panic("utf8 column over 2 GiB: use a large-utf8 column")
	}
	b.offsets = append(b.offsets, int32(len(b.data)))
	b.validity.push(valid)
}

// Len is the number of values appended.
func (b *StringBuilder) Len() int { return b.validity.n }

// Finish makes the column; the builder is empty afterwards.
func (b *StringBuilder) Finish() Column {
	if len(b.offsets) == 0 {
		b.offsets = []int32{0}
	}
	c := Column{Len: b.validity.n, Offsets: bytesOf(b.offsets), Values: b.data}
	if c.Values == nil {
		c.Values = []byte{}
	}
	if b.nulls {
		c.Validity, c.NullCount = b.validity.Bitmap()
	}
	*b = StringBuilder{}
	return c
}

// Selection is a row selection being built, for a filtering plugin:
// every row starts dropped.
type Selection struct{ v Validity }

// NewSelection is a selection of n rows, none kept.
func NewSelection(n int) *Selection {
	return &Selection{Validity{bits: make([]byte, (n+7)/8), n: n}}
}

// Keep keeps row.
func (s *Selection) Keep(row int) { s.v.bits[row>>3] |= 1 << (row & 7) }

// Drop drops row.
func (s *Selection) Drop(row int) { s.v.SetNull(row) }

// Kept tells whether row is kept.
func (s *Selection) Kept(row int) bool { return s.v.IsValid(row) }

// Bitmap is the selection as the WIT bitmap (1 = keep).
func (s *Selection) Bitmap() []byte {
	if s.v.n%8 != 0 {
		s.v.bits[len(s.v.bits)-1] &= byte(1<<(s.v.n%8)) - 1
	}
	return s.v.bits
}
