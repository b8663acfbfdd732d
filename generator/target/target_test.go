package target

import (
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

func TestVersionDefaultsOnlyTakeFullVersions(t *testing.T) {
	v := answers.NewValues()
	v.Set("target", "docker", answers.SourceFlag)
	p := &project.Project{Release: "x", App: "x", Database: "none", ElixirVersion: "1.17", OTPVersion: "27.1.2"}
	if err := Default().Complete(p, v); err != nil {
		t.Fatal(err)
	}
	if e, _ := v.Get("elixir-version"); e != DefaultElixir || v.Source("elixir-version") != answers.SourceDefault {
		t.Errorf("a partial pin (1.17) cannot name an image tag: got %q from %s", e, v.Source("elixir-version"))
	}
	if o, _ := v.Get("otp-version"); o != "27.1.2" || v.Source("otp-version") != answers.SourceDetected {
		t.Errorf("otp %q from %s", o, v.Source("otp-version"))
	}
}
