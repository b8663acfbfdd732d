package generator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phxdeploy/phxdeploy/internal/testtools"
)

// healthStandIns are the least of Plug and Ecto the generated health check calls, so that it runs
// without Hex: a repo whose query raises with the details an attacker wants (host, user, pool),
// one that returns them in an error, and one that never answers.
const healthStandIns = `
defmodule Plug do
  @callback init(term) :: term
  @callback call(term, term) :: term
end

defmodule Plug.Conn do
  defstruct method: "GET", path_info: [], status: nil, resp_body: nil, resp_headers: [], halted: false
  def put_resp_content_type(conn, type), do: %{conn | resp_headers: [{"content-type", type} | conn.resp_headers]}
  def send_resp(conn, status, body), do: %{conn | status: status, resp_body: body}
  def halt(conn), do: %{conn | halted: true}
end

defmodule Ecto.Adapters.SQL do
  def query(repo, _sql, _params, _opts), do: repo.answer()
end

defmodule Shop.Repo do
  def answer do
    case Process.get(:failure) do
      :raise -> raise DBConnection.ConnectionError, "tcp connect (db-7.internal.acme:5432): user=shop_admin pool=Shop.Repo.Pool nxdomain"
      :error -> {:error, DBConnection.ConnectionError.exception("password authentication failed for user shop_admin at 10.1.2.3")}
      :exit -> exit(:timeout)
      nil -> {:ok, %{rows: [[1]]}}
    end
  end
end

defmodule DBConnection.ConnectionError do
  defexception [:message]
end
`

// The health check answers a failing database with a fixed body: the exception's text (host
// names, users, pool internals) goes to the log, never to the public.
func TestHealthNeverAnswersWithExceptionText(t *testing.T) {
	elixir := testtools.Require(t, "elixir", "elixir")
	res := dryRun(t, testtools.Fixture(t, "phx18_postgres"), map[string]string{"target": "docker"})
	c := changed(res, "lib/shop_web/health.ex")
	if c == nil {
		t.Fatal("no health check written")
	}
	dir := t.TempDir()
	files := map[string]string{"stand_ins.exs": healthStandIns, "health.ex": string(c.Content), "run.exs": `
Code.require_file("stand_ins.exs", __DIR__)
Code.require_file("health.ex", __DIR__)

for failure <- [nil, :raise, :error, :exit] do
  Process.put(:failure, failure)
  conn = ShopWeb.Health.call(struct(Plug.Conn, method: "GET", path_info: []), [])
  IO.puts("#{failure}|#{conn.status}|#{conn.resp_body}")
end
`}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "run.exs")
	out, err := exec.Command(elixir, file).CombinedOutput()
	if err != nil {
		t.Fatalf("elixir: %v\n%s", err, out)
	}
	var answers []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Count(line, "|") == 2 {
			answers = append(answers, line)
		}
	}
	want := []string{`|200|{"status":"ok"}`, `raise|503|{"status":"unavailable"}`, `error|503|{"status":"unavailable"}`, `exit|503|{"status":"unavailable"}`}
	if strings.Join(answers, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(answers, "\n"), strings.Join(want, "\n"), out)
	}
	// The details are logged, for the operator.
	for _, logged := range []string{"db-7.internal.acme", "10.1.2.3", "gave no answer"} {
		if !strings.Contains(string(out), logged) {
			t.Errorf("the log does not carry %q:\n%s", logged, out)
		}
	}
}
