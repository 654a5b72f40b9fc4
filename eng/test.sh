#!/usr/bin/env bash
# Runs the whole AgentFlow test suite, the same way locally and in CI.
#
#   eng/test.sh                              # everything
#   eng/test.sh --filter-class '*Agents*'    # extra arguments go to `dotnet test` (Microsoft.Testing.Platform)
#
# Steps: install missing system packages (root only), start a throw-away PostgreSQL server on a free loopback
# port, build the solution once (Release), run every test project, stop what was started, then print as the
# LAST line "N passed, N failed, N skipped". Exits non-zero when the build or a test failed.
# TRX reports: artifacts/test-results/<test project>/*.trx.
#
# Not `set -e`: a failing build or test run must still reach the summary line and the cleanup.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1
results_dir="$root/artifacts/test-results"

step() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*"; }
is_root() { [[ $(id -u) -eq 0 ]]; }
export DOTNET_NOLOGO=${DOTNET_NOLOGO:-1}

# ---------------------------------------------------------------------------------------------------------------
# System packages. Each entry is "<apt package>|<shell test that succeeds when it is already there>".
# apt-get only runs when something is missing, so a prepared machine (or one without apt) is never blocked by it.
# Later needs go here too, e.g.
#   'docker.io|command -v docker'
#   'openssh-server|test -x /usr/sbin/sshd'
system_packages=(
    'postgresql|compgen -G "/usr/lib/postgresql/*/bin/initdb"'
    'python3|command -v python3'
    # The Studio's browser tests drive the system's Chromium through Playwright (no browser download).
    'chromium|test -x /usr/bin/chromium'
)

install_missing_packages() {
    local entry package check missing=()
    for entry in "${system_packages[@]}"; do
        package=${entry%%|*}
        check=${entry#*|}
        if ! eval "$check" >/dev/null 2>&1; then
            missing+=("$package")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi
    if ! is_root; then
        warn "missing system packages: ${missing[*]} (run as root to install them, or install them yourself)"
        return 0
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        warn "missing system packages: ${missing[*]} (apt-get is not available to install them)"
        return 0
    fi
    local log
    log=$(mktemp)
    step "Installing system packages: ${missing[*]}"
    if DEBIAN_FRONTEND=noninteractive apt-get -q update >"$log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get -q install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
        :
    else
        warn "apt-get could not install ${missing[*]}; its last lines:"
        tail -n 20 "$log"
    fi
    rm -f "$log"
}

# ---------------------------------------------------------------------------------------------------------------
# Throw-away PostgreSQL: its own data directory, socket and port, so it never touches (or needs) a server that
# may already run on 5432. initdb refuses to run as root, hence the postgres user when we are root.
pg_tmp=""
pg_bin=""
pg_failure=""

as_postgres() {
    # cd first: the postgres user may not be allowed into the caller's working directory.
    if is_root; then
        (cd "$pg_tmp" && runuser -u postgres -- "$@")
    else
        (cd "$pg_tmp" && "$@")
    fi
}

find_pg_bin() {
    local initdb
    initdb=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n 1)
    if [[ -z $initdb ]]; then
        initdb=$(command -v initdb 2>/dev/null)
    fi
    [[ -n $initdb ]] && dirname "$initdb"
}

random_free_port() {
    local port attempt
    for attempt in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        # Nothing answers on it: free enough (start_postgres retries if it is taken in between).
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

start_postgres() {
    pg_bin=$(find_pg_bin)
    if [[ -z $pg_bin ]]; then
        pg_failure="no PostgreSQL server binaries (initdb) found"
        return 1
    fi
    if is_root && ! id postgres >/dev/null 2>&1; then
        pg_failure="running as root but there is no 'postgres' user to run PostgreSQL as"
        return 1
    fi

    pg_tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentflow-pg.XXXXXX")
    if is_root; then
        chown postgres: "$pg_tmp"
    fi
    # Trust auth on loopback only; the password in the connection string is ignored.
    if ! as_postgres "$pg_bin/initdb" -D "$pg_tmp/data" -A trust -U postgres -E UTF8 --locale=C --no-sync \
        >"$pg_tmp/initdb.log" 2>&1; then
        pg_failure="initdb failed: $(tail -n 3 "$pg_tmp/initdb.log" | tr '\n' ' ')"
        return 1
    fi

    local port attempt
    for attempt in 1 2 3; do
        port=$(random_free_port) || break
        # Durability is pointless for a database deleted at the end; more connections for parallel test classes.
        if as_postgres "$pg_bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/server.log" -w -t 30 \
            -o "-p $port -k '$pg_tmp' -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
            break
        fi
        port=""
    done
    if [[ -z $port ]]; then
        pg_failure="pg_ctl could not start the server: $(tail -n 3 "$pg_tmp/server.log" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi

    local waited
    for waited in $(seq 1 30); do
        if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
            export AGENTFLOW_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres"
            step "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port (data in $pg_tmp)"
            return 0
        fi
        sleep 1
    done
    pg_failure="the server did not accept connections on 127.0.0.1:$port within 30s"
    return 1
}

stop_postgres() {
    if [[ -z $pg_tmp ]]; then
        return 0
    fi
    if [[ -f $pg_tmp/data/postmaster.pid ]]; then
        local pid
        pid=$(head -n 1 "$pg_tmp/data/postmaster.pid")
        # Immediate: the data is thrown away anyway. Kill as a last resort so nothing outlives the run.
        as_postgres "$pg_bin/pg_ctl" -D "$pg_tmp/data" -m immediate -w -t 10 stop >/dev/null 2>&1 ||
            kill -9 "$pid" 2>/dev/null
    fi
    rm -rf "$pg_tmp"
    pg_tmp=""
}

cleanup() {
    stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Prints the summary as the last line and exits: non-zero when something failed (or nothing ran at all).
finish() {
    local passed=$1 failed=$2 skipped=$3
    cleanup
    printf '%s passed, %s failed, %s skipped\n' "$passed" "$failed" "$skipped"
    if [[ $failed -gt 0 || $((passed + skipped)) -eq 0 ]]; then
        exit 1
    fi
    exit 0
}

# Counts the outcomes of every test in the TRX reports; prints "passed failed skipped" and names failed tests.
count_trx_results() {
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$results_dir" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET

ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
skipped_outcomes = {"NotExecuted", "Inconclusive", "NotRunnable", "Pending"}
passed = failed = skipped = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        print(f"error: unreadable TRX report {path}: {error}", file=sys.stderr)
        failed += 1
        continue
    for result in root.iter(ns + "UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome == "Passed":
            passed += 1
        elif outcome in skipped_outcomes:
            skipped += 1
        else:  # Failed, Error, Timeout, Aborted... anything unknown counts against the run.
            failed += 1
            print(f"FAILED ({outcome}) {result.get('testName')}", file=sys.stderr)
print(passed, failed, skipped)
PY
    else
        # No python3: the counters of each report's ResultSummary (numeric attributes only, safe to grep).
        local file passed=0 failed=0 skipped=0 counters value
        while IFS= read -r file; do
            counters=$(grep -o '<Counters [^>]*>' "$file")
            attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
            passed=$((passed + $(attr passed)))
            for value in failed error timeout aborted; do failed=$((failed + $(attr "$value"))); done
            skipped=$((skipped + $(attr notExecuted) + $(attr inconclusive)))
        done < <(find "$results_dir" -name '*.trx')
        echo "$passed $failed $skipped"
    fi
}

# ---------------------------------------------------------------------------------------------------------------
install_missing_packages

if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK (dotnet, see global.json) is not installed"
    finish 0 1 0
fi

# A server named by the caller is only a fallback: the run does not depend on whatever listens on 5432.
caller_postgres=${AGENTFLOW_TEST_POSTGRES:-}
unset AGENTFLOW_TEST_POSTGRES
step "Starting a throw-away PostgreSQL server"
if ! start_postgres; then
    stop_postgres
    if [[ -n $caller_postgres ]]; then
        warn "PostgreSQL not started ($pg_failure); using AGENTFLOW_TEST_POSTGRES from the environment"
        export AGENTFLOW_TEST_POSTGRES=$caller_postgres
    else
        warn "PostgreSQL not started ($pg_failure); the PostgreSQL tests will be reported as skipped"
    fi
fi

step "Building AgentFlow.sln (Release)"
# No build servers: nothing started here may outlive the run.
if ! dotnet build AgentFlow.sln -c Release -nologo -v quiet --disable-build-servers; then
    echo "error: the build failed"
    finish 0 1 0
fi

rm -rf "$results_dir"
mkdir -p "$results_dir"
step "Running the tests (TRX reports in ${results_dir#"$root"/})"
# One `dotnet test` per test project, run in parallel, each with its own results folder: TRX file names are chosen
# by the platform from the clock, and two projects starting together would overwrite each other's report.
# Exit code 8 = a test project ran zero tests, which is normal under a filter that matches only another project.
test_exit=0
test_pids=()
while IFS= read -r project; do
    name=$(basename "$project" .csproj)
    dotnet test --project "$project" --no-build -c Release --results-directory "$results_dir/$name" \
        --report-xunit-trx --ignore-exit-code 8 "$@" &
    test_pids+=($!)
done < <(find tests -name '*.Tests.csproj' -not -path '*/bin/*' -not -path '*/obj/*' | sort)
for pid in "${test_pids[@]}"; do
    wait "$pid" || test_exit=$?
done

read -r passed failed skipped < <(count_trx_results) || true
passed=${passed:-0} failed=${failed:-0} skipped=${skipped:-0}
if [[ $test_exit -ne 0 && $failed -eq 0 ]]; then
    # A crashed test host writes no TRX: never let that pass as green.
    echo "error: dotnet test exited with code $test_exit but no failed test is reported (crashed test host or bad arguments?)"
    failed=1
fi
if [[ $((passed + failed + skipped)) -eq 0 ]]; then
    echo "error: no test ran"
fi
finish "$passed" "$failed" "$skipped"
