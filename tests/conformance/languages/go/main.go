// The Go conformance router: one component holding every case's guest
// (cases/<ident>/guest.go, each registering a plugin.Plugin under its
// case's name); the configuration's `case` entry picks the guest, the rest
// of the configuration is the guest's.
package main

import (
	"conformance/guests"

	"wasmprep.dev/plugin"
)

// router runs the configured guest as an instance of its own, so the kit
// checks the guest as it would a plugin of its own: the keys it never
// reads are refused, its outputs are checked and its panics recovered.
type router struct {
	guest *plugin.Instance
}

func init() {
	plugin.Register(func() plugin.Plugin { return &router{} })
}

func (r *router) Configure(config *plugin.Config) (*plugin.Contract, error) {
	name := config.String("case", "")
	guest, ok := guests.New(name)
	if !ok {
		return nil, plugin.InvalidConfig("no guest for case `%s`", name)
	}
	// The kit's Config cannot drop a key: the guest gets a copy without
	// `case` (reading every key here also keeps this Config from refusing
	// them; the guest's own Config does that).
	var pairs [][2]string
	for _, key := range config.Keys() {
		if key != "case" {
			pairs = append(pairs, [2]string{key, config.String(key, "")})
		}
	}
	r.guest = plugin.NewInstance(guest)
	return r.guest.Configure(plugin.NewConfig(pairs))
}

func (r *router) Process(batch *plugin.Batch) (plugin.Output, error) {
	return r.guest.Process(batch.Columns)
}

func main() {} // not run: the host calls the exports
