package project

import "testing"

func TestSatisfies(t *testing.T) {
	for _, c := range []struct {
		v, req string
		want   bool
	}{
		{"1.19.5", "~> 1.14", true}, {"1.19.5", "~> 1.14.0", false}, {"1.14.3", "~> 1.14.0", true},
		{"1.13.0", "~> 1.14", false}, {"2.0.0", "~> 1.14", false}, {"1.19.5", ">= 1.11.0", true},
		{"1.10.4", ">= 1.11.0", false}, {"1.15.0", "~> 1.14 or ~> 2.0", true}, {"1.19.5", "", true},
	} {
		if got := Satisfies(c.v, c.req); got != c.want {
			t.Errorf("Satisfies(%q, %q) = %v, want %v", c.v, c.req, got, c.want)
		}
	}
}

// TestReadVersions: where each version is pinned, a later file's more precise version of the
// same line, the Debian image and the builder tags of the project's Dockerfiles.
func TestReadVersions(t *testing.T) {
	schoolHouse := "# builder\nARG ELIXIR_VERSION=1.15.8\nARG OTP_VERSION=25.0.4\nARG DEBIAN_VERSION=bullseye-20240722-slim\n\nARG BUILDER_IMAGE=\"hexpm/elixir:${ELIXIR_VERSION}-erlang-${OTP_VERSION}-debian-${DEBIAN_VERSION}\"\nFROM ${BUILDER_IMAGE} AS builder\n"
	for _, c := range []struct {
		name                string
		files               map[string]string
		elixir, otp, debian string
		sources             map[string]string
		tags                map[string]string
	}{
		{name: "a pin without a patch, made precise by the Dockerfile (school_house)",
			files:  map[string]string{".tool-versions": "elixir 1.15\nerlang 25.0\n", "Dockerfile": schoolHouse},
			elixir: "1.15.8", otp: "25.0.4", debian: "bullseye-20240722-slim",
			sources: map[string]string{"elixir_version": "Dockerfile:2", "otp_version": "Dockerfile:3", "debian_version": "Dockerfile:4"},
			tags:    map[string]string{"1.15.8-erlang-25.0.4-debian-bullseye-20240722-slim": "Dockerfile:4"}},
		{name: "another line in the Dockerfile: .tool-versions wins",
			files:  map[string]string{".tool-versions": "elixir 1.17.3-otp-27\nerlang 27.1\n", "Dockerfile": "ARG BUILDER_IMAGE=\"hexpm/elixir:1.17.3-erlang-26.2.5.5-debian-bookworm-20241016-slim\"\nFROM ${BUILDER_IMAGE}\n"},
			elixir: "1.17.3", otp: "27.1", debian: "bookworm-20241016-slim",
			sources: map[string]string{"elixir_version": ".tool-versions:1", "otp_version": ".tool-versions:2", "debian_version": "Dockerfile:1"},
			tags:    map[string]string{"1.17.3-erlang-26.2.5.5-debian-bookworm-20241016-slim": "Dockerfile:1"}},
		{name: "a Dockerfile below the root (pinchflat)",
			files:  map[string]string{"docker/selfhosted.Dockerfile": "ARG ELIXIR_VERSION=1.18.4\nARG OTP_VERSION=27.2.4\nARG DEBIAN_VERSION=bookworm-20250428-slim\n"},
			elixir: "1.18.4", otp: "27.2.4", debian: "bookworm-20250428-slim",
			sources: map[string]string{"elixir_version": "docker/selfhosted.Dockerfile:1", "debian_version": "docker/selfhosted.Dockerfile:3"},
			tags:    map[string]string{"1.18.4-erlang-27.2.4-debian-bookworm-20250428-slim": "docker/selfhosted.Dockerfile:3"}},
		{name: "phxdeploy's own Dockerfile pins nothing",
			files:  map[string]string{"Dockerfile": "# syntax=docker/dockerfile:1\n# Written by phxdeploy.\nARG ELIXIR_VERSION=1.19.5\n", ".tool-versions": "elixir 1.16\n"},
			elixir: "1.16", sources: map[string]string{"elixir_version": ".tool-versions:1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := readMinimal(t, c.files)
			if p.ElixirVersion != c.elixir || p.OTPVersion != c.otp || p.DebianVersion != c.debian {
				t.Errorf("got %q %q %q, want %q %q %q", p.ElixirVersion, p.OTPVersion, p.DebianVersion, c.elixir, c.otp, c.debian)
			}
			for k, want := range c.sources {
				if p.Sources[k] != want {
					t.Errorf("%s from %q, want %q", k, p.Sources[k], want)
				}
			}
			if len(p.DockerTags) != len(c.tags) {
				t.Errorf("builder tags %v, want %v", p.DockerTags, c.tags)
			}
			for tag, at := range c.tags {
				if p.DockerTags[tag] != at {
					t.Errorf("builder tags %v, want %s at %s", p.DockerTags, tag, at)
				}
			}
		})
	}
}
