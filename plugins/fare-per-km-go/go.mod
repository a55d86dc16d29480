module fare-per-km

go 1.24

require wasmprep.dev/plugin v0.0.0

// The kit is not published: it is used from this checkout (no download).
replace wasmprep.dev/plugin => ../../sdk/go
