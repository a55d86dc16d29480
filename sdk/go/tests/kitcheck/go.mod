module kitcheck

go 1.24

require wasmprep.dev/plugin v0.0.0

replace wasmprep.dev/plugin => ../..
