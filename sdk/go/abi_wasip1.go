//go:build wasip1

// The boundary: the canonical ABI of the world `wasmprep:plugin/plugin`
// written by hand (the WIT is small and fixed; wit_test.go checks the copy
// in wit/ equals sdk/wit, and the layouts below are those of the C
// bindings that `wasmprep-c-bindgen generate` writes). All addresses are
// 32-bit offsets into the module's one linear memory, which is Go's heap.

package plugin

import (
	"encoding/binary"
	"runtime"
	"unsafe"
)

//go:wasmimport wasmprep:plugin/host@0.1.0 log
func hostLog(level uint32, ptr uint32, length uint32)

func defaultLogSink(level LogLevel, message string) {
	hostLog(uint32(level), strAddr(message), uint32(len(message)))
	runtime.KeepAlive(message)
}

// pending holds what cabi_realloc handed to the host for the arguments of
// the next call: nothing in Go refers to it until the export lifts its
// arguments, so without this the collector could free it in between.
var pending [][]uint64

// keep holds what a result refers to (strings, buffers, records) until the
// host has copied it out and calls the post-return function.
var keep []any

// retArea is where a result is written (result<contract, error> is 40
// bytes, result<batch-output, error> 36; 8-aligned).
var retArea [6]uint64

// empty is the address of an empty list: any aligned address will do.
var empty [1]uint64

var instance *Instance

//go:wasmexport cabi_realloc
func cabiRealloc(oldPtr, oldSize, align, newSize uint32) uint32 {
	if newSize == 0 {
		return addrOf(unsafe.Pointer(&empty))
	}
	// A []uint64 is 8-aligned, enough for every type of this WIT (align <= 8).
	buf := make([]uint64, (newSize+7)/8)
	pending = append(pending, buf)
	ptr := addrOf(unsafe.Pointer(&buf[0]))
	if oldPtr != 0 {
		copy(mem(ptr, newSize), mem(oldPtr, min(oldSize, newSize)))
	}
	return ptr
}

//go:wasmexport wasmprep:plugin/transform@0.1.0#configure
func exportConfigure(ptr, n uint32) uint32 {
	pairs := make([][2]string, n)
	for i := range n {
		e := ptr + i*16
		// Copied: the configuration may be kept past this call.
		pairs[i] = [2]string{string(list(e)), string(list(e + 8))}
	}
	pending = nil
	if instance == nil {
		if registered == nil {
			return writeErr(Failure("no plugin: call plugin.Register in an init function of package main"))
		}
		instance = NewInstance(registered())
	}
	contract, err := instance.Configure(NewConfig(pairs))
	if err != nil {
		return writeErr(err)
	}
	r := ret()
	r[0] = 0
	putStr(r[4:], contract.Name)
	putStr(r[12:], contract.Version)
	putRecords(r[20:], specs(contract.Inputs), len(contract.Inputs))
	putRecords(r[28:], specs(contract.Outputs), len(contract.Outputs))
	r[36] = b2u(contract.Filters)
	return retAddr()
}

//go:wasmexport cabi_post_wasmprep:plugin/transform@0.1.0#configure
func postConfigure(uint32) { keep = nil }

//go:wasmexport wasmprep:plugin/transform@0.1.0#process
func exportProcess(ptr, n uint32) uint32 {
	columns := make([]Column, n)
	for i := range n {
		columns[i] = liftColumn(ptr + i*40)
	}
	// The columns now refer to the argument buffers (interior pointers keep
	// them alive), so the host's allocations need no other owner.
	pending = nil
	if instance == nil {
		return writeErr(Failure("process called before configure"))
	}
	out, err := instance.Process(columns)
	if err != nil {
		return writeErr(err)
	}
	records := alloc(len(out.Columns) * 40)
	for i, c := range out.Columns {
		lowerColumn(records[i*40:], c)
	}
	r := ret()
	r[0] = 0
	putRecords(r[4:], records, len(out.Columns))
	if out.Selection != nil {
		r[12] = 1
		putList(r[16:], out.Selection.Bitmap())
	} else {
		r[12] = 0
	}
	return retAddr()
}

//go:wasmexport cabi_post_wasmprep:plugin/transform@0.1.0#process
func postProcess(uint32) { keep = nil }

// column: len@0 null-count@4 validity@8 (option<list<u8>>: tag, ptr, len)
// offsets@20 (same) values@32 (ptr, len); 40 bytes.
func liftColumn(p uint32) Column {
	m := mem(p, 40)
	c := Column{
		Len:       int(le.Uint32(m[0:])),
		NullCount: int(le.Uint32(m[4:])),
		Values:    list(p + 32),
	}
	if m[8] != 0 {
		c.Validity = list(p + 12)
	}
	if m[20] != 0 {
		c.Offsets = list(p + 24)
	}
	return c
}

func lowerColumn(m []byte, c Column) {
	le.PutUint32(m[0:], uint32(c.Len))
	le.PutUint32(m[4:], uint32(c.NullCount))
	putOption(m[8:], c.Validity)
	putOption(m[20:], c.Offsets)
	putList(m[32:], c.Values)
}

// column-spec: name@0 data-type@8 (tag, payload@12) nullable@28; 32 bytes.
// data-type payload: time-unit@12 for both; timestamp's timezone
// (option<string>) @16 tag, @20 ptr, @24 len.
func specs(specs []ColumnSpec) []byte {
	m := alloc(len(specs) * 32)
	for i, s := range specs {
		r := m[i*32 : i*32+32]
		putStr(r[0:], s.Name)
		r[8] = byte(s.Type.Kind)
		switch s.Type.Kind {
		case Timestamp:
			r[12] = byte(s.Type.Unit)
			if s.Type.Timezone != "" {
				r[16] = 1
				putStr(r[20:], s.Type.Timezone)
			}
		case Duration:
			r[12] = byte(s.Type.Unit)
		}
		r[28] = b2u(s.Nullable)
	}
	return m
}

// writeErr writes result::err(error) into the return area. error: tag@4,
// payload@8: a string, or input-error (message@8, row option<u32>@16
// tag/@20 value, column option<string>@24 tag/@28 ptr/@32 len).
func writeErr(err error) uint32 {
	r := ret()
	clear(r)
	r[0] = 1
	switch e := Classify(err).(type) {
	case *ConfigError:
		r[4] = 0
		putStr(r[8:], e.Message)
	case *InputError:
		r[4] = 1
		putStr(r[8:], e.Message)
		if e.Row >= 0 {
			r[16] = 1
			le.PutUint32(r[20:], uint32(e.Row))
		}
		if e.Column != "" {
			r[24] = 1
			putStr(r[28:], e.Column)
		}
	case *FailureError:
		r[4] = 2
		putStr(r[8:], e.Message)
	}
	return retAddr()
}

var le = binary.LittleEndian

// mem is n bytes of linear memory at p. The memory is Go's heap and p
// points into an allocation that something keeps alive (pending, keep or
// a Go value), so the slice is valid.
func mem(p, n uint32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(p))), n)
}

// list is the list<u8> whose (ptr, len) pair is at p, as a view.
func list(p uint32) []byte {
	m := mem(p, 8)
	n := le.Uint32(m[4:])
	if n == 0 {
		return []byte{}
	}
	return mem(le.Uint32(m[0:]), n)
}

func addrOf(p unsafe.Pointer) uint32 { return uint32(uintptr(p)) }

func strAddr(s string) uint32 {
	if len(s) == 0 {
		return addrOf(unsafe.Pointer(&empty))
	}
	return addrOf(unsafe.Pointer(unsafe.StringData(s)))
}

func putStr(m []byte, s string) {
	keep = append(keep, s)
	le.PutUint32(m[0:], strAddr(s))
	le.PutUint32(m[4:], uint32(len(s)))
}

// putList writes the (ptr, len) of a list<u8>.
func putList(m []byte, b []byte) { putRecords(m, b, len(b)) }

// putRecords writes the (ptr, len) of a list of count records stored in b.
func putRecords(m []byte, b []byte, n int) {
	ptr := addrOf(unsafe.Pointer(&empty))
	if len(b) > 0 {
		keep = append(keep, b)
		ptr = addrOf(unsafe.Pointer(unsafe.SliceData(b)))
	}
	le.PutUint32(m[0:], ptr)
	le.PutUint32(m[4:], uint32(n))
}

func putOption(m []byte, b []byte) {
	clear(m[:12])
	if b != nil {
		m[0] = 1
		putList(m[4:], b)
	}
}

// alloc is n zeroed bytes, 8-aligned.
func alloc(n int) []byte {
	if n == 0 {
		return nil
	}
	words := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), n)
}

func ret() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(&retArea)), len(retArea)*8)
}

func retAddr() uint32 { return addrOf(unsafe.Pointer(&retArea)) }

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
