module {{name}}

go 1.24

require wasmprep.dev/plugin v0.0.0

// The Go kit is not published: it is used from the wasmprep checkout.
replace wasmprep.dev/plugin => {{sdk}}/go
