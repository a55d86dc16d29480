//go:build !wasip1

package plugin

import (
	"fmt"
	"os"
)

// defaultLogSink outside WebAssembly: standard error, with the level.
func defaultLogSink(level LogLevel, message string) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", level, message)
}
