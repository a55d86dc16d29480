module wasmprep.dev/plugin

go 1.24
