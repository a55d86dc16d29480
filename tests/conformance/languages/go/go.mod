module conformance

go 1.24

require wasmprep.dev/plugin v0.0.0

// The kit from this checkout (no download).
replace wasmprep.dev/plugin => @ROOT@/sdk/go
