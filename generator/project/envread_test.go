package project

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/generator/elixir"
)

func readsOf(t *testing.T, src string, h *helpers) map[string]envRead {
	t.Helper()
	tree, err := elixir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	reads, _ := findReads(tree, h)
	out := map[string]envRead{}
	for _, r := range reads {
		if _, seen := out[r.name]; !seen {
			out[r.name] = r
		}
	}
	return out
}

func TestFindReadsForms(t *testing.T) {
	src := `import Config
import Dotenvy

source!([System.get_env()])

env_int = fn name, default -> String.to_integer(System.get_env(name, default)) end
need! = fn name -> System.fetch_env!(name) end

http_port = env!("HTTP_PORT", :integer, 4000)

if config_env() == :prod do
  database_url =
    System.get_env("APP_DATABASE_URL") ||
      raise "APP_DATABASE_URL is missing"

  host = System.get_env("WEB_HOST") || System.get_env("HOST") || raise "set WEB_HOST"

  key = System.get_env("SIGNING_SALT")
  if is_nil(key), do: raise("SIGNING_SALT is missing")
  unless key do
    raise "SIGNING_SALT is missing"
  end

  config :shop, Shop.Repo,
    url: database_url,
    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10"),
    password: System.get_env("DB_PASS")

  config :shop, :vault, key: Base.decode64!(System.fetch_env!("VAULT_KEY"))
  config :shop, :redis, url: {:system, "REDIS_URL"}
  config :shop, :timeout, env_int.("TIMEOUT_MS", "5000")
  config :shop, :token, need!.("API_TOKEN")
  config :shop, :salt, env!("LIVE_SALT", :string!)
  config :shop, :ssl, System.get_env("DB_SSL") in ~w(true 1)

  if System.get_env("AI_ENABLED") == "true" do
    config :shop, :ai, key: System.fetch_env!("AI_KEY")
  end

  if System.get_env("UPLOADS", "true") == "true" do
    config :shop, :s3, bucket: System.fetch_env!("S3_BUCKET")
  end

  Shop.if_cloud do
    config :shop, :cloud, key: System.fetch_env!("CLOUD_KEY")
  end

  config :shop, :msg, "#{System.get_env("GREETING")} there"
  for name <- ~w(A B), do: System.get_env(name)
else
  config :shop, :dev_only, System.fetch_env!("DEV_ONLY")
end

if config_env() == :test do
  config :shop, :test_only, System.fetch_env!("TEST_ONLY")
end
`
	got := readsOf(t, src, nil)
	check := func(name string, f func(r envRead) bool, what string) {
		t.Helper()
		r, ok := got[name]
		if !ok {
			t.Errorf("%s: not found", name)
			return
		}
		if !f(r) {
			t.Errorf("%s: %s; got %+v", name, what, r)
		}
	}
	check("APP_DATABASE_URL", func(r envRead) bool { return r.required && r.use == "url" && r.local == "database_url" }, "required, url")
	check("WEB_HOST", func(r envRead) bool { return r.required && strings.Join(r.alts, ",") == "HOST" }, "required with HOST as alternative")
	check("HOST", func(r envRead) bool { return r.alt }, "an alternative")
	check("SIGNING_SALT", func(r envRead) bool { return r.required }, "guarded")
	check("POOL_SIZE", func(r envRead) bool {
		return !r.required && r.def == `"10"` && r.typ == "integer" && r.use == "pool_size"
	}, "optional integer, default 10")
	check("DB_PASS", func(r envRead) bool { return !r.required && r.use == "password" }, "optional password")
	check("VAULT_KEY", func(r envRead) bool { return r.required && r.typ == "base64" }, "required base64")
	check("REDIS_URL", func(r envRead) bool { return r.required }, "a {:system, _} tuple")
	check("TIMEOUT_MS", func(r envRead) bool { return !r.required && r.def == `"5000"` }, "helper with default")
	check("API_TOKEN", func(r envRead) bool { return r.required }, "raising helper")
	check("HTTP_PORT", func(r envRead) bool { return !r.required && r.def == "4000" && r.typ == "integer" }, "Dotenvy with default")
	check("LIVE_SALT", func(r envRead) bool { return r.required && r.typ == "string" }, "Dotenvy without default")
	check("DB_SSL", func(r envRead) bool { return r.typ == "boolean" }, "boolean")
	check("AI_KEY", func(r envRead) bool { return r.optional && strings.Contains(r.when, "AI_ENABLED") }, "optional: a flag that is off by default")
	check("S3_BUCKET", func(r envRead) bool { return r.required && !r.optional && strings.Contains(r.when, "UPLOADS") }, "required: the flag is on by default")
	check("CLOUD_KEY", func(r envRead) bool { return r.required && strings.Contains(r.when, "Shop.if_cloud") }, "under a macro")
	check("GREETING", func(r envRead) bool { return !r.required }, "in an interpolation")
	check("DEV_ONLY", func(r envRead) bool { return r.skip }, "outside production")
	check("TEST_ONLY", func(r envRead) bool { return r.skip }, "outside production")
}

func TestFindReadsComputedNames(t *testing.T) {
	tree, err := elixir.Parse("import Config\nfor name <- ~w(A B), do: System.get_env(name)\nx = System.get_env(\"#{prefix}_KEY\")\nf = fn n -> System.get_env(n) end\n")
	if err != nil {
		t.Fatal(err)
	}
	_, computed := findReads(tree, nil)
	if len(computed) != 2 || computed[0] != 2 || computed[1] != 3 {
		t.Errorf("computed names on lines %v, want [2 3] (a helper's parameter is not one)", computed)
	}
}

func TestFindReadsThroughModuleHelpers(t *testing.T) {
	src := `defmodule Shop.EnvHelper do
  def trimmed_env(env, default \\ nil) do
    env
    |> System.get_env(default)
    |> String.trim()
  end

  def enabled?(env, default \\ "true") do
    Enum.member?(["", "true"], trimmed_env(env, default))
  end
end

import Config
alias Shop.EnvHelper

uploads = EnvHelper.enabled?("UPLOADS_ENABLED")
if uploads do
  config :shop, :vault, key: System.fetch_env!("VAULT_KEY")
end
config :shop, :name, EnvHelper.trimmed_env("SITE_NAME", "Shop")
`
	got := readsOf(t, src, nil)
	if r := got["UPLOADS_ENABLED"]; r.def != `"true"` {
		t.Errorf("UPLOADS_ENABLED: default %q, want \"true\" (the parameter's default)", r.def)
	}
	if r := got["SITE_NAME"]; r.def != `"Shop"` || r.required {
		t.Errorf("SITE_NAME: %+v", r)
	}
	if r := got["VAULT_KEY"]; !r.required || r.optional {
		t.Errorf("VAULT_KEY is required while uploads are on by default: %+v", r)
	}
}

// FuzzFindReads reads environment variables out of arbitrary Elixir: it never panics or hangs,
// and every name it reports is a variable name.
func FuzzFindReads(f *testing.F) {
	for _, name := range []string{"phx18_postgres", "phx17_postgres", "phx16_mysql"} {
		b, _ := os.ReadFile(filepath.Join("..", "..", "testdata", name, "config", "runtime.exs"))
		f.Add(string(b))
	}
	f.Add("x = System.get_env(\"A\") || System.get_env(\"B\") || raise \"no\"\nif is_nil(x), do: raise(\"x\")\n")
	f.Add("import Dotenvy\nh = fn n, d -> System.get_env(n, d) end\nconfig :a, k: h.(\"K\", \"1\"), e: env!(\"E\", :integer, 2)\n")
	f.Add("if System.get_env(\"F\", \"true\") == \"true\" and (config_env() == :prod or x) do\n  case y do\n    nil -> raise \"z\"\n  end\nend\n")
	f.Add("defmodule H do\n  def g(n, d \\\\ nil), do: n |> System.get_env(d)\nend\nconfig :a, H.g(\"G\")\n{:system, \"S\"}\n\"#{System.fetch_env!(\"I\")}\"\n")
	f.Fuzz(func(t *testing.T, src string) {
		tree, err := elixir.Parse(src)
		if err != nil {
			return
		}
		reads, _ := findReads(tree, nil)
		for _, r := range reads {
			if !envNameRe.MatchString(r.name) {
				t.Fatalf("reported %q as a variable", r.name)
			}
			if r.start > r.tok || r.tok >= r.end || r.end > len(tree.Code) {
				t.Fatalf("read %s spans [%d, %d) around %d", r.name, r.start, r.end, r.tok)
			}
		}
	})
}

func TestFindReadsEveryFormOfARequiredRead(t *testing.T) {
	src := `import Config

if config_env() == :prod do
  config :shop, a: Map.fetch!(System.get_env(), "A_TOKEN")
  config :shop, b: System.fetch_env! "B_TOKEN"
  config :shop, c: (case System.fetch_env("C_TOKEN") do {:ok, v} -> v; :error -> raise "x" end)
  if is_nil(System.get_env("D_TOKEN")), do: raise "x"
  e = System.get_env("E_TOKEN"); config :shop, e: e || raise("x")
  config :shop, i: (with {:ok, v} <- System.fetch_env("I_TOKEN") do v else _ -> raise "x" end)
  config :shop, j: :os.getenv('J_TOKEN')
  config :shop, k: Map.get(System.get_env(), "K_TOKEN", "k")
end
`
	got := readsOf(t, src, nil)
	for _, name := range []string{"A_TOKEN", "B_TOKEN", "C_TOKEN", "D_TOKEN", "E_TOKEN", "I_TOKEN"} {
		if r, ok := got[name]; !ok || !r.required {
			t.Errorf("%s: %+v, want a required read", name, r)
		}
	}
	for _, name := range []string{"J_TOKEN", "K_TOKEN"} {
		if r, ok := got[name]; !ok || r.required {
			t.Errorf("%s: %+v, want an optional read", name, r)
		}
	}
	tree, _ := elixir.Parse("import Config\nEnum.each(~w(F_TOKEN), &System.fetch_env!/1)\n")
	if _, computed := findReads(tree, nil); len(computed) != 1 {
		t.Errorf("a captured System.fetch_env!/1 reads names from elsewhere: %v", computed)
	}
}

func TestFindReadsThroughChainsOfHelpers(t *testing.T) {
	src := `defmodule Shop.Env do
  def a(n), do: b(n)
  def b(n), do: c(n)
  def c(n), do: d(n)
  def d(n), do: e(n)
  def e(n), do: System.fetch_env!(n)
end

defmodule Shop.Config do
  def secret!(n), do: Shop.Env.a(n)
end

import Config
config :shop, key: Shop.Config.secret!("DEEP_KEY")
`
	if r, ok := readsOf(t, src, nil)["DEEP_KEY"]; !ok || !r.required {
		t.Errorf("a chain of helpers across modules: %+v", r)
	}
}

// BenchmarkFindReadsNestedConditions reads a file whose reads sit under hundreds of nested
// conditions: each block's condition is worked out once, not once per read.
func BenchmarkFindReadsNestedConditions(b *testing.B) {
	var src strings.Builder
	src.WriteString("import Config\n")
	const depth, reads = 200, 2000
	for i := 0; i < depth; i++ {
		fmt.Fprintf(&src, "if flag_%d or System.get_env(\"C_%d\") == \"1\" or config_env() == :prod do\n", i, i)
	}
	for i := 0; i < reads; i++ {
		fmt.Fprintf(&src, "config :shop, k_%d: System.get_env(\"V_%d\")\n", i, i)
	}
	for i := 0; i < depth; i++ {
		src.WriteString("end\n")
	}
	tree, err := elixir.Parse(src.String())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, _ := findReads(tree, nil); len(r) != reads+depth {
			b.Fatalf("%d reads", len(r))
		}
	}
}

// {:system, ...} tuples in Confex's forms (bors-ng): a default makes the variable optional, a
// type or an adapter may come before the name (such reads were not seen at all).
func TestSystemTuples(t *testing.T) {
	reads := readsOf(t, `import Config
config :bors, BorsNG,
  url: {:system, "DATABASE_URL"},
  log_outgoing: {:system, "BORS_LOG_OUTGOING", false},
  poll: {:system, :integer, "BORS_POLL_PERIOD", 1_800_000},
  id: {:system, :integer, "GITHUB_INTEGRATION_ID"},
  pem: {:system, {Base, :decode64, []}, "GITHUB_INTEGRATION_PEM"},
  scheme: {:system, "PUBLIC_PROTOCOL", "https"},
  region: {:system, "REGION", nil}
`, nil)
	for _, c := range []struct {
		name, def, typ string
		required       bool
	}{
		{"DATABASE_URL", "", "", true},
		{"BORS_LOG_OUTGOING", "false", "", false},
		{"BORS_POLL_PERIOD", "1_800_000", "integer", false},
		{"GITHUB_INTEGRATION_ID", "", "integer", true},
		{"GITHUB_INTEGRATION_PEM", "", "", true},
		{"PUBLIC_PROTOCOL", `"https"`, "", false},
		{"REGION", "", "", false},
	} {
		r, ok := reads[c.name]
		if !ok || r.required != c.required || r.def != c.def || r.typ != c.typ {
			t.Errorf("%s: read %v, required %v, default %q, type %q; want required %v, default %q, type %q", c.name, ok, r.required, r.def, r.typ, c.required, c.def, c.typ)
		}
	}
}

// A guard that raises when its local is missing makes the read required: a test of its value
// raises too when it is missing (!Enum.member?(values, nil) is true), unless the read has a
// default, which it then never is (nerves_hub_web's NERVES_HUB_APP defaults to "all" and was
// required, written empty into .env.prod).
func TestValueGuardIsNotAMissingGuard(t *testing.T) {
	reads := readsOf(t, `import Config
app = System.get_env("HUB_APP", "all")
if !Enum.member?(["all", "web"], app) do
  raise "unknown HUB_APP"
end
role = System.get_env("HUB_ROLE")
if !Enum.member?(["a", "b"], role), do: raise("unknown HUB_ROLE")
kind = System.get_env("HUB_KIND")
if not is_binary(kind), do: raise("HUB_KIND")
key = System.get_env("HUB_KEY")
if !key do
  raise "HUB_KEY is missing"
end
name = System.get_env("HUB_NAME")
if is_nil(name), do: raise("HUB_NAME is missing")
blank = System.get_env("HUB_BLANK", "")
if blank == "", do: raise("HUB_BLANK is empty")
ip = System.get_env("HUB_IP")
if !(ip in [nil, "ipv6", "ipv4"]), do: raise("Invalid IP version")
mode = System.get_env("HUB_MODE")
if mode in [nil, ""], do: raise("HUB_MODE is missing")
config :hub, app: app, role: role, kind: kind, key: key, name: name, blank: blank, ip: ip, mode: mode
`, nil)
	// supabase/realtime's DB_IP_VERSION: !(x in [nil, ...]) lets a missing x through
	for name, want := range map[string]bool{"HUB_APP": false, "HUB_ROLE": true, "HUB_KIND": true, "HUB_KEY": true, "HUB_NAME": true, "HUB_BLANK": true,
		"HUB_IP": false, "HUB_MODE": true} {
		if r, ok := reads[name]; !ok || r.required != want {
			t.Errorf("%s: read %v, required %v; want required %v", name, ok, r.required, want)
		}
	}
}

// What a `case` on a variable reads under a string pattern ("true" ->) is needed only when
// someone sets that variable; under a catch-all, or the read's own default, it is needed as it
// would be anywhere.
func TestCaseOnAVariable(t *testing.T) {
	reads := readsOf(t, `import Config
case System.get_env("DB_SSL") do
  "true" ->
    ca = System.get_env("DB_CA") || raise "DB_CA must be set"
    config :app, Repo, ssl: true, cacertfile: ca
  _ ->
    host = System.fetch_env!("DB_HOST")
    config :app, Repo, hostname: host
end
mode = System.get_env("MODE", "web")
case mode do
  "web" -> config :app, :port, System.fetch_env!("WEB_PORT")
  "worker" -> config :app, :queue, System.fetch_env!("QUEUE_URL")
end
`, nil)
	for name, optional := range map[string]bool{"DB_CA": true, "DB_HOST": false, "WEB_PORT": false, "QUEUE_URL": true} {
		r, ok := reads[name]
		if !ok || r.optional != optional || !r.required {
			t.Errorf("%s: read %v, required %v, optional %v; want required, optional %v", name, ok, r.required, r.optional, optional)
		}
	}
}

// manyClauses is `case System.get_env("CX") do` with n clauses, each reading a variable.
func manyClauses(n int) string {
	var b strings.Builder
	b.WriteString("import Config\ncase System.get_env(\"CX\") do\n")
	for i := range n {
		fmt.Fprintf(&b, "  \"v%d\" -> config :shop, :k%d, System.fetch_env!(\"Y_%d\")\n", i, i, i)
	}
	b.WriteString("  _ -> config :shop, :k, System.fetch_env!(\"Y_ANY\")\nend\n")
	return b.String()
}

// Each clause of a case is found once, not once per read in it (16,000 clauses took 16 s).
func TestCaseWithManyClauses(t *testing.T) {
	reads := readsOf(t, manyClauses(5_000), nil)
	for _, name := range []string{"Y_0", "Y_2500", "Y_4999"} {
		if r := reads[name]; !r.required || !r.optional || !strings.Contains(r.when, "CX") {
			t.Errorf("%s: %+v; want required under its clause, optional (only when CX is set)", name, r)
		}
	}
	if r := reads["Y_ANY"]; !r.required || r.optional {
		t.Errorf("Y_ANY under the catch-all: %+v; want required", r)
	}
}

func BenchmarkCaseWithManyClauses(b *testing.B) {
	src := manyClauses(5_000)
	tree, err := elixir.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		findReads(tree, nil)
	}
}

// A local given a value by a case on a variable has the value of the clause that matches when
// nobody sets the variable (hexpm's mode: :web), so what `if mode == :worker` reads is needed
// only when someone sets HEXPM_MODE (hexpm's 16 worker settings were required of the web).
func TestLocalFromACaseOnAVariable(t *testing.T) {
	reads := readsOf(t, `import Config
mode =
  case System.get_env("HEXPM_MODE") do
    value when value in [nil, "", "web"] -> :web
    "worker" -> :worker
    value -> raise "invalid HEXPM_MODE #{inspect(value)}"
  end
if mode == :worker do
  config :hexpm, Oban, queues: [heavy: String.to_integer(System.fetch_env!("HEAVY"))]
end
if mode == :web do
  config :hexpm, :web, secret: System.fetch_env!("WEB_SECRET")
end
level =
  case System.get_env("LEVEL", "info") do
    "debug" -> :debug
    _ -> :info
  end
if level == :debug do
  config :logger, :file, System.fetch_env!("DEBUG_FILE")
end
`, nil)
	for name, optional := range map[string]bool{"HEAVY": true, "WEB_SECRET": false, "DEBUG_FILE": true} {
		if r, ok := reads[name]; !ok || !r.required || r.optional != optional {
			t.Errorf("%s: read %v, required %v, optional %v; want required, optional %v", name, ok, r.required, r.optional, optional)
		}
	}
}

func TestMatchesValue(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		want           patternMatch
	}{
		{"_", "nil", matchYes}, {"value", `"x"`, matchYes}, {"nil", "nil", matchYes}, {`"web"`, "nil", matchNo},
		{`"web"`, `"web"`, matchYes}, {`value when value in [nil, "", "web"]`, "nil", matchYes},
		{`value when value in [nil, "", "web"]`, `"worker"`, matchNo}, {"v when is_nil(v)", "nil", matchYes},
		{"v when is_binary(v)", "nil", matchUnknown}, {"{:ok, v}", "nil", matchUnknown}, {":web", ":web", matchYes},
	} {
		if got := matchesValue(c.pattern, c.value); got != c.want {
			t.Errorf("matchesValue(%q, %q) = %d, want %d", c.pattern, c.value, got, c.want)
		}
	}
}

// An if in keyword form conditions what its do: and else: read as an if's do block does.
func TestKeywordIfConditions(t *testing.T) {
	reads := readsOf(t, `import Config
if System.get_env("USE_S3") == "true", do: config(:app, :bucket, System.fetch_env!("S3_BUCKET"))
if System.get_env("LOCAL") == "true", do: config(:app, :dir, "/tmp"), else: config(:app, :dir, System.fetch_env!("DATA_DIR"))
unless System.get_env("NO_MAIL"), do: config(:app, :smtp, System.fetch_env!("SMTP_HOST"))
config :app, :x, if(config_env() == :dev, do: System.fetch_env!("DEV_ONLY"), else: "prod")
`, nil)
	for name, optional := range map[string]bool{"S3_BUCKET": true, "DATA_DIR": false, "SMTP_HOST": false} {
		if r, ok := reads[name]; !ok || !r.required || r.optional != optional || r.when == "" {
			t.Errorf("%s: read %v, required %v, optional %v, when %q; want required, optional %v, under its condition", name, ok, r.required, r.optional, r.when, optional)
		}
	}
	if r := reads["DEV_ONLY"]; !r.skip {
		t.Errorf("DEV_ONLY, read only in dev: %+v; want skipped", r)
	}
}

// A variable that holds a PEM is a secret (bors-ng's GITHUB_INTEGRATION_PEM, a private key).
func TestPEMIsASecret(t *testing.T) {
	if !secretName("GITHUB_INTEGRATION_PEM", "", "") || secretName("GITHUB_INTEGRATION_ID", "", "integer") {
		t.Error("GITHUB_INTEGRATION_PEM should be a secret and GITHUB_INTEGRATION_ID not")
	}
}

// A helper given its first argument through a pipe (Plausible's runtime config: `config_dir |>
// get_var_from_path_or_env("LOG_LEVEL", "warning")`) reads the variable its next argument
// names; it was taken as a read whose name is computed.
func TestFindReadsThroughAPipedHelper(t *testing.T) {
	src := `defmodule Acme.ConfigHelpers do
  def get_var_from_path_or_env(config_dir, var_name, default \\ nil) do
    var_path = Path.join(config_dir, var_name)

    if File.exists?(var_path) do
      File.read!(var_path) |> String.trim()
    else
      System.get_env(var_name, default)
    end
  end
end

import Config
import Acme.ConfigHelpers

config_dir = System.get_env("CONFIG_DIR", "/run/secrets")
log_level = config_dir |> get_var_from_path_or_env("LOG_LEVEL", "warning")
other = config_dir |> Acme.ConfigHelpers.get_var_from_path_or_env("OTHER_VAR")
base_url = get_var_from_path_or_env(config_dir, "BASE_URL")
pem = "#{db}_CACERT" |> Dotenvy.env!(:string)
`
	tree, err := elixir.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	reads, computed := findReads(tree, nil)
	got := map[string]envRead{}
	for _, r := range reads {
		got[r.name] = r
	}
	if r, ok := got["LOG_LEVEL"]; !ok || r.def != `"warning"` {
		t.Errorf("LOG_LEVEL through a piped imported helper: %+v (found %v); want its default \"warning\"", r, ok)
	}
	for _, name := range []string{"OTHER_VAR", "BASE_URL"} {
		if _, ok := got[name]; !ok {
			t.Errorf("%s is not read", name)
		}
	}
	// only the name piped into Dotenvy.env! (line 20) is computed
	if len(computed) != 1 || computed[0] != 20 {
		t.Errorf("reads taken as computed names at lines %v; want line 20 only", computed)
	}
}

// TestIfOnAVariable: a local assigned by an if on a read (or on a local holding one) has the
// branch taken when nobody sets the variable (supabase/realtime: gen_rpc_default_driver is :tcp
// unless GEN_RPC_SSL_SERVER_PORT is set, so the certificates fetched under `== :ssl` are needed
// only when someone sets it: optional); under a comparison the default branch passes, or an if
// on something else, they stay needed.
func TestIfOnAVariable(t *testing.T) {
	reads := readsOf(t, `import Config
ssl_port = System.get_env("SSL_PORT")
driver = if ssl_port, do: :ssl, else: :tcp
if driver == :ssl do
  config :rpc, certfile: System.fetch_env!("CERTFILE")
end
mode = if System.get_env("WORKER") do "worker" else "web" end
if mode == "web" do
  config :app, host: System.fetch_env!("WEB_HOST")
end
if mode == "worker" do
  config :app, queue: System.fetch_env!("QUEUE_URL")
end
kind = if System.get_env("KIND", "full"), do: :full, else: :lite
if kind == :full, do: config(:app, full: System.fetch_env!("FULL_KEY"))
other = if Application.get_env(:app, :x), do: :a, else: :b
if other == :a, do: config(:app, a: System.fetch_env!("A_KEY"))
`, nil)
	for name, optional := range map[string]bool{"CERTFILE": true, "WEB_HOST": false, "QUEUE_URL": true, "FULL_KEY": false, "A_KEY": false} {
		if r, ok := reads[name]; !ok || r.optional != optional || !r.required {
			t.Errorf("%s: read %v, required %v, optional %v; want required, optional %v", name, ok, r.required, r.optional, optional)
		}
	}
}

// TestMappedNames: supabase/realtime reads API_JWT_SECRET and API_JWT_SECRET_NEXT with
// ["API_JWT_SECRET", "API_JWT_SECRET_NEXT"] |> Enum.map(&System.get_env/1): the names of a
// literal list mapped over a System function are reads; a list built elsewhere stays computed.
func TestMappedNames(t *testing.T) {
	reads := readsOf(t, `import Config
secrets = ["API_JWT_SECRET", "API_JWT_SECRET_NEXT"] |> Enum.map(&System.get_env/1) |> Enum.reject(&is_nil/1)
keys = Enum.map(["KEY_A", "KEY_B"], &System.fetch_env!/1)
others = Enum.map(names(), &System.get_env/1)
config :app, secrets: secrets, keys: keys, others: others
`, nil)
	for name, required := range map[string]bool{"API_JWT_SECRET": false, "API_JWT_SECRET_NEXT": false, "KEY_A": true, "KEY_B": true} {
		if r, ok := reads[name]; !ok || r.required != required {
			t.Errorf("%s: read %v, required %v; want read, required %v", name, ok, r.required, required)
		}
	}
	if len(reads) != 4 {
		t.Errorf("reads %v", reads)
	}
}
