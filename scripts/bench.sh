#!/usr/bin/env bash
# The end-to-end benchmark of idplint: one run, side by side, on the same corpus.
#
#   scripts/bench.sh [N]        # N files (default 10000)
#
# Measures, on a generated corpus of N payloads (examples/gen_corpus.rs, defects
# named in the file names):
#   - idplint check DIR (human and --format json; --select IDP0 for the cost of
#     the rules), built with the `dist` profile (fat LTO, as released);
#   - the floor: read + serde_json parse of every file, in parallel (examples/floor.rs);
#   - the peers with bench/peer-schema.json: check-jsonschema (PyPI) and ajv-cli with
#     ajv-formats (npm), installed into a scratch directory when missing;
#   - one file (the pre-commit case) for idplint, the floor and both peers;
#   - one big payload (BIG_MB, default 10 MB, minified on one line) for idplint's time
#     and peak RSS in every output format, and an object of a million unknown members
#     (a million findings) in every format: the cost must stay linear in the input;
#   - containers: RUNBOOK_COUNT (default 1000) Markdown runbooks made from the corpus
#     (scripts/gen_runbooks.py), each body twice (a curl command, a JSON fence), against
#     the floor of the same payloads as .json files.
# Reports medians of RUNS timed runs (default 5), peak RSS, ratios and, per defect
# kind, which tool flagged which files. Writes results.md and results.json to
# target/bench (BENCH_OUT=bench updates the committed ones).
#
# Environment (all optional):
#   RUNS=5 SEED=1 BIG_MB=10    runs per case, corpus seed, size of the big payload
#                              (at most 16, idplint's input limit in MiB)
#   BENCH_WORK=target/bench    corpus, outputs of each tool
#   BENCH_PEERS=target/bench-peers   scratch venv and npm prefix of the peers
#   BENCH_OUT=target/bench     where results.md and results.json go (bench: the committed ones)
#   PROFILE=dist               the cargo profile idplint is built with (release: what
#                              `cargo install` builds)
#   SKIP_PEERS=1               do not install or run the peers
#   CARGO_TARGET_DIR           honoured when locating the binaries
set -euo pipefail

N=${1:-10000}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
BIG_MB=${BIG_MB:-10}
CHECK_JSONSCHEMA_VERSION=${CHECK_JSONSCHEMA_VERSION:-0.39.0}
AJV_CLI_VERSION=${AJV_CLI_VERSION:-5.0.0}
AJV_FORMATS_VERSION=${AJV_FORMATS_VERSION:-3.0.1}

case $N in '' | *[!0-9]*) echo "usage: scripts/bench.sh [N]" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
abs() { case $1 in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }
TARGET=$(abs "${CARGO_TARGET_DIR:-target}")
WORK=$(abs "${BENCH_WORK:-target/bench}")
PEERS=$(abs "${BENCH_PEERS:-target/bench-peers}")
OUT=$(abs "${BENCH_OUT:-target/bench}")
PROFILE=${PROFILE:-dist}
SCHEMA=$ROOT/bench/peer-schema.json

log() { printf '==> %s\n' "$*" >&2; }

apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing $* (apt-get)"
        if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        return 1
    fi
}

# --- tools -------------------------------------------------------------------------
[ -x /usr/bin/time ] || apt_install time || { echo "error: /usr/bin/time (GNU time) is needed" >&2; exit 2; }
command -v python3 >/dev/null || apt_install python3 || { echo "error: python3 is needed" >&2; exit 2; }

log "building idplint and the examples (profile $PROFILE)"
cargo build --profile "$PROFILE" --quiet --bin idplint --example gen_corpus --example floor
IDPLINT=$TARGET/$PROFILE/idplint
FLOOR=$TARGET/$PROFILE/examples/floor
GEN=$TARGET/$PROFILE/examples/gen_corpus

CJS="" AJV="" PEER_NOTES=""
if [ -z "${SKIP_PEERS:-}" ]; then
    if [ ! -x "$PEERS/venv/bin/check-jsonschema" ]; then
        log "installing check-jsonschema $CHECK_JSONSCHEMA_VERSION into $PEERS/venv"
        mkdir -p "$PEERS"
        { python3 -m venv "$PEERS/venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$PEERS/venv"; }; } &&
            "$PEERS/venv/bin/pip" install -q "check-jsonschema==$CHECK_JSONSCHEMA_VERSION" ||
            PEER_NOTES+="check-jsonschema could not be installed; "
    fi
    [ -x "$PEERS/venv/bin/check-jsonschema" ] && CJS=$PEERS/venv/bin/check-jsonschema
    if [ ! -x "$PEERS/npm/node_modules/.bin/ajv" ]; then
        command -v npm >/dev/null || apt_install npm || true
        log "installing ajv-cli $AJV_CLI_VERSION and ajv-formats $AJV_FORMATS_VERSION into $PEERS/npm"
        mkdir -p "$PEERS/npm"
        npm install --prefix "$PEERS/npm" --no-audit --no-fund --silent \
            "ajv-cli@$AJV_CLI_VERSION" "ajv-formats@$AJV_FORMATS_VERSION" >/dev/null ||
            PEER_NOTES+="ajv-cli could not be installed; "
    fi
    [ -x "$PEERS/npm/node_modules/.bin/ajv" ] && AJV=$PEERS/npm/node_modules/.bin/ajv
else
    PEER_NOTES="peers skipped (SKIP_PEERS); "
fi

# --- inputs ------------------------------------------------------------------------
CORPUS=$WORK/corpus
SINGLE_DIR=$WORK/single
BIG_DIR=$WORK/big
BIG=$BIG_DIR/big-patch.json
log "generating $N payloads (seed $SEED) into $CORPUS"
rm -rf "$CORPUS" "$SINGLE_DIR" "$WORK/runs"
"$GEN" "$CORPUS" "$N" "$SEED" >/dev/null
mkdir -p "$SINGLE_DIR" "$WORK/runs"
# The pre-commit case: one clean jwtAuth payload (a certificate to parse).
single_src=$(find "$CORPUS" -name '*-qlik-jwt-ok.json' | sort | sed -n 1p)
[ -n "$single_src" ] || single_src=$(find "$CORPUS" -name '*.json' | sort | sed -n 1p)
SINGLE=$SINGLE_DIR/$(basename "$single_src")
cp "$single_src" "$SINGLE"

if [ "$BIG_MB" -gt 0 ] && [ ! -s "$BIG" -o "$(cat "$BIG_DIR/mb" 2>/dev/null)" != "$BIG_MB" ]; then
    log "generating a ${BIG_MB} MB payload (one qlik.patch array) into $BIG"
    mkdir -p "$BIG_DIR"
    python3 - "$BIG" "$BIG_MB" <<'PY'
import json, sys
path, mb = sys.argv[1], int(sys.argv[2])
target = mb * 1024 * 1024
ops = [
    lambda i: {"op": "replace", "path": "/description", "value": "updated %d" % i},
    lambda i: {"op": "replace", "path": "/active", "value": i % 2 == 0},
    lambda i: {"op": "replace", "path": "/clockToleranceSec", "value": (5, 60, 300)[i % 3]},
    lambda i: {"op": "replace", "path": "/pendingOptions/discoveryUrl",
               "value": "https://dev-%d.okta.com/oauth2/default/.well-known/openid-configuration" % (i % 1000)},
]
with open(path, "w") as f:
    f.write("[")
    size, i = 2, 0
    while size < target:
        s = ("" if i == 0 else ",") + json.dumps(ops[i % len(ops)](i), separators=(",", ":"))
        f.write(s)
        size += len(s)
        i += 1
    f.write("]")
PY
    echo "$BIG_MB" >"$BIG_DIR/mb"
fi
# A million members on one line, each unknown: a million findings to draw.
MILLION_DIR=$WORK/million
MILLION=$MILLION_DIR/million-members.json
if [ ! -s "$MILLION" ]; then
    mkdir -p "$MILLION_DIR"
    python3 -c 'import sys
members = ",".join("\"k%d\":0" % i for i in range(1000000))
open(sys.argv[1], "w").write("{\"protocol\":\"OIDC\",\"provider\":\"okta\",\"interactive\":false," + members + "}")' "$MILLION"
fi

# --- cases -------------------------------------------------------------------------
# Each case is an array CMD_<name>. The first run of each keeps its output, exit code
# and peak RSS (it is also the warm-up); then RUNS rounds time every case in turn, so
# a change of background load spreads over all tools instead of hitting one.
CASES=()
add() { local name=$1; shift; CASES+=("$name"); eval "CMD_${name//-/_}=(\"\$@\")"; }

# What starting a process costs the timer itself: the floor under every case.
add spawn "$(command -v true)"
add idplint-human "$IDPLINT" check "$CORPUS"
add idplint-json "$IDPLINT" check --format json "$CORPUS"
add idplint-select-idp0 "$IDPLINT" check --format json --select IDP0 "$CORPUS"
add floor "$FLOOR" "$CORPUS"
if [ -n "$CJS" ]; then
    shopt -s nullglob
    files=("$CORPUS"/*.json)
    add check-jsonschema "$CJS" --schemafile "$SCHEMA" -o json "${files[@]}"
fi
[ -n "$AJV" ] && add ajv "$AJV" validate --spec=draft7 -c ajv-formats -s "$SCHEMA" -d "$CORPUS/*.json"
add single-idplint "$IDPLINT" check "$SINGLE"
add single-floor "$FLOOR" "$SINGLE_DIR"
[ -n "$CJS" ] && add single-check-jsonschema "$CJS" --schemafile "$SCHEMA" -o json "$SINGLE"
[ -n "$AJV" ] && add single-ajv "$AJV" validate --spec=draft7 -c ajv-formats -s "$SCHEMA" -d "$SINGLE"
# Containers: Markdown runbooks with the body in a curl command and a JSON fence,
# against the read + parse floor of the same payloads.
RUNBOOKS=$WORK/runbooks
python3 "$ROOT/scripts/gen_runbooks.py" "$CORPUS" "$RUNBOOKS" "${RUNBOOK_COUNT:-1000}"
add runbooks-idplint "$IDPLINT" check --format json "$RUNBOOKS"
add runbooks-floor "$FLOOR" "$RUNBOOKS-payloads"
if [ "$BIG_MB" -gt 0 ]; then
    add big-idplint "$IDPLINT" check --format json "$BIG"
    add big-floor "$FLOOR" "$BIG_DIR"
    for format in human sarif github junit; do
        add "large-big-$format" "$IDPLINT" check --format "$format" "$BIG"
    done
fi
if [ "${SKIP_MILLION:-}" != 1 ]; then
    for format in json human sarif github junit; do
        add "large-million-$format" "$IDPLINT" check --format "$format" "$MILLION"
    done
fi


LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
set +e
for name in "${CASES[@]}"; do
    declare -n cmd="CMD_${name//-/_}"
    dir=$WORK/runs/$name
    mkdir -p "$dir"
    printf '%s\n' "${cmd[@]}" >"$dir/command"
    log "recorded run: $name"
    /usr/bin/time -f '%M' -o "$dir/rss" "${cmd[@]}" >"$dir/stdout" 2>"$dir/stderr"
    echo $? >"$dir/exit"
    : >"$dir/times_us"
    unset -n cmd
done
python3 "$ROOT/scripts/timeit.py" "$RUNS" "$WORK" "${CASES[@]}"
set -e
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

# --- report ------------------------------------------------------------------------
mkdir -p "$OUT"
ajv_version=""
[ -n "$AJV" ] && ajv_version=$(node -p "['ajv-cli','ajv','ajv-formats'].map(p => p + ' ' + require('$PEERS/npm/node_modules/' + p + '/package.json').version).join(', ')" 2>/dev/null || true)
BENCH_ROOT=$ROOT BENCH_N=$N BENCH_RUNS=$RUNS BENCH_SEED=$SEED BENCH_BIG_MB=$BIG_MB \
    BENCH_WORKDIR=$WORK BENCH_CORPUS=$CORPUS BENCH_RUNBOOKS=$RUNBOOKS BENCH_SINGLE=$SINGLE BENCH_BIG=$BIG \
    BENCH_CASES="${CASES[*]}" BENCH_OUTDIR=$OUT \
    BENCH_LOAD_BEFORE=$LOAD_BEFORE BENCH_LOAD_AFTER=$LOAD_AFTER BENCH_PEER_NOTES=$PEER_NOTES \
    BENCH_IDPLINT_VERSION="$("$IDPLINT" --version 2>/dev/null)" \
    BENCH_RUSTC_VERSION="$(rustc --version 2>/dev/null)" \
    BENCH_CJS_VERSION="$([ -n "$CJS" ] && "$CJS" --version 2>/dev/null)" \
    BENCH_AJV_VERSION="$ajv_version" \
    BENCH_NODE_VERSION="$(node --version 2>/dev/null)" \
    BENCH_PYTHON_VERSION="$(python3 --version 2>/dev/null)" \
    python3 "$ROOT/scripts/bench_report.py"
log "wrote $OUT/results.md and $OUT/results.json"
