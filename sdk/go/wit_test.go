package plugin

import (
	"os"
	"testing"
)

// The boundary code (abi_wasip1.go) is written for wit/plugin.wit: this
// copy must be the contract in sdk/wit.
func TestWitIsSdkWit(t *testing.T) {
	ours, err := os.ReadFile("wit/plugin.wit")
	if err != nil {
		t.Fatal(err)
	}
	sdk, err := os.ReadFile("../wit/plugin.wit")
	if err != nil {
		t.Fatal(err)
	}
	if string(ours) != string(sdk) {
		t.Fatal("sdk/go/wit/plugin.wit differs from sdk/wit/plugin.wit: copy it over and check abi_wasip1.go's layouts")
	}
}
