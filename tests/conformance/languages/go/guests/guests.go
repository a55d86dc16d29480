// Package guests is the register of conformance guests: each case's
// guest package registers itself from an init function, under its case's
// name; the router (package main) looks the configured case up here.
package guests

import (
	"fmt"

	"wasmprep.dev/plugin"
)

var guests = map[string]func() plugin.Plugin{}

// Register makes newGuest the guest of the case name.
func Register(name string, newGuest func() plugin.Plugin) {
	if _, ok := guests[name]; ok {
		panic(fmt.Sprintf("two guests for case `%s`", name))
	}
	guests[name] = newGuest
}

// New makes the guest of the case name; false when no guest has that name.
func New(name string) (plugin.Plugin, bool) {
	newGuest, ok := guests[name]
	if !ok {
		return nil, false
	}
	return newGuest(), true
}
