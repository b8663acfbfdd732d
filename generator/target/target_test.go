package target

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/answers"
	"github.com/phxdeploy/phxdeploy/generator/imagetags"
	"github.com/phxdeploy/phxdeploy/generator/project"
)

func TestVersionDefaultsCompletePartialPins(t *testing.T) {
	v := answers.NewValues()
	v.Set("target", "docker", answers.SourceFlag)
	p := &project.Project{Release: "x", App: "x", Database: "none", ElixirVersion: "1.17", OTPVersion: "27.1.2"}
	if err := Default().Complete(p, v); err != nil {
		t.Fatal(err)
	}
	// A partial pin (1.17) cannot name an image tag: the newest 1.17 the table knows that runs
	// on the OTP, never the built-in Elixir of another line.
	if e, _ := v.Get("elixir-version"); e != "1.17.3" || v.Source("elixir-version") != "detected: the newest 1.17 release phxdeploy knows" {
		t.Errorf("a partial pin (1.17): got %q from %s", e, v.Source("elixir-version"))
	}
	if o, _ := v.Get("otp-version"); o != "27.1.2" || v.Source("otp-version") != answers.SourceDetected {
		t.Errorf("otp %q from %s", o, v.Source("otp-version"))
	}
}

// TestDefaultsAreValidatedLikeAnswers: a default derived from the project is checked as a flag
// would be; a release name too long for a DNS label does not become an invalid deploy name.
func TestDefaultsAreValidatedLikeAnswers(t *testing.T) {
	long := strings.Repeat("inventory_", 7) + "x" // 71 characters
	v := answers.NewValues()
	v.Set("target", "k8s", answers.SourceFlag)
	v.Set("image", "registry.example.com/x:1.0.0", answers.SourceFlag)
	v.Set("host", "x.example.com", answers.SourceFlag)
	err := Default().Complete(&project.Project{Release: long, App: long, Database: "none"}, v)
	var usage *answers.UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "--name") || !strings.Contains(err.Error(), "pass --name") {
		t.Fatalf("want a usage error asking for --name, got %v (name %q)", err, v.String("name"))
	}
}

// TestDefaultImageIsKnown: the built-in versions name a builder tag in the table of known tags,
// so that a project that pins nothing gets an image that exists.
func TestDefaultImageIsKnown(t *testing.T) {
	tag := DefaultElixir + "-erlang-" + DefaultOTP + "-debian-" + DefaultDebian
	if !slices.ContainsFunc(imagetags.Known(), func(k imagetags.Tag) bool { return k.String() == tag }) {
		t.Errorf("hexpm/elixir:%s, the built-in builder, is not in generator/imagetags/hexpm-elixir.txt", tag)
	}
}

// TestDebianDefaultFollowsTheVersions: the Debian image is the newest known for the Elixir and
// Erlang/OTP answered before it; for versions the table does not know, the built-in one.
func TestDebianDefaultFollowsTheVersions(t *testing.T) {
	for _, c := range []struct{ elixir, otp, want string }{
		{"1.18.4", "28.0.2", "trixie-20260223-slim"},
		{"1.16.3", "26.2.5", "bookworm-20240612-slim"},
		{"1.13.4", "24.3.4.17", DefaultDebian},
	} {
		v := answers.NewValues()
		v.Set("target", "docker", answers.SourceFlag)
		p := &project.Project{Release: "x", App: "x", Database: "none", ElixirVersion: c.elixir, OTPVersion: c.otp}
		if err := Default().Complete(p, v); err != nil {
			t.Fatal(err)
		}
		if got := v.String("debian-version"); got != c.want {
			t.Errorf("Elixir %s, OTP %s: --debian-version defaults to %q, want %q", c.elixir, c.otp, got, c.want)
		}
	}
}
