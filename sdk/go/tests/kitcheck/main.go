// kitcheck: the Go kit's end-to-end check in the real sandbox (see
// ../../README.md, "Testing the kit"). It writes utf8 and boolean columns
// and a row selection, and probes what Go's runtime and standard library
// do without any grant (logged at debug: run `plugin test -v` to see it):
// fmt to stdout/stderr, goroutines, time (virtual), math/rand, os.Open.
//
//	word:utf8, n:int32 -> upper:utf8 (null where word is), even:boolean,
//	at:timestamp[ms, UTC] (n seconds after the epoch), wait:duration[s] (n);
//	keeps the rows where n > 0. Config: panic = true panics in process.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"time"

	"wasmprep.dev/plugin"
)

type kitcheck struct{ panics bool }

func init() { plugin.Register(func() plugin.Plugin { return &kitcheck{} }) }

func (k *kitcheck) Configure(c *plugin.Config) (*plugin.Contract, error) {
	var err error
	if k.panics, err = c.Bool("panic", false); err != nil {
		return nil, err
	}
	probe()
	return plugin.NewContract("kitcheck", "0.1.0").
		Input("word", plugin.Utf8Type).
		RequiredInput("n", plugin.Int32Type).
		NullableOutput("upper", plugin.Utf8Type).
		Output("even", plugin.BooleanType).
		Output("at", plugin.TimestampType(plugin.Millisecond, "UTC")).
		Output("wait", plugin.DurationType(plugin.Second)).
		Filtering(), nil
}

// probe exercises the WASI functions Go's runtime imports (through the
// kit's adapter): each must work, or fail cleanly, without a grant.
func probe() {
	fmt.Println("stdout reaches the host log at info")
	fmt.Fprintln(os.Stderr, "stderr reaches the host log at warn")
	ch := make(chan int)
	for i := range 4 {
		go func() { ch <- i * i }()
	}
	sum := 0
	for range 4 {
		sum += <-ch
	}
	start := time.Now()
	time.Sleep(10 * time.Millisecond)
	_, err := os.Open("/etc/passwd")
	plugin.Debugf("goroutines: sum %d; time.Now %s; slept %v; rand %d; os.Open: %v",
		sum, start.UTC().Format(time.RFC3339), time.Since(start), rand.Intn(1000), err)
}

func (k *kitcheck) Process(b *plugin.Batch) (plugin.Output, error) {
	if k.panics {
		panic("boom")
	}
	word, n := b.Get("word"), b.Get("n").Int32s()
	upper := plugin.NewStringBuilder(b.Len())
	even := plugin.NewBoolBuilder()
	keep := plugin.NewSelection(b.Len())
	for row := range b.Len() {
		if word.IsNull(row) {
			upper.AppendNull()
		} else {
			upper.Append(strings.ToUpper(word.Str(row)))
		}
		even.Append(n[row]%2 == 0)
		if n[row] > 0 {
			keep.Keep(row)
		}
	}
	at := make([]int64, b.Len())
	wait := make([]int64, b.Len())
	for row, v := range n {
		at[row], wait[row] = int64(v)*1000, int64(v)
	}
	return plugin.NewOutput(upper.Finish(), even.Finish(), plugin.ColumnOf(at, nil), plugin.ColumnOf(wait, nil)).Select(keep), nil
}

func main() {}
