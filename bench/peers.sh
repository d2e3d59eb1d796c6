# Sourced by bench/http-vs-peers, bench/cli-vs-peers, bench/keyed-uploads and bench/keyed-cli:
# builds the Go and Rust peers of ../shared/peers in bench/target/peers (installing their
# toolchains from Debian's packages), generates their workloads, makes Fanout ready to measure,
# writes the keyed benchmarks' schemas, and reads compare.sh's tables.

# Installs wrk, Go and Rust's packaged crates when missing; copies and builds the peers; writes
# data/small.csv (20 rows), data/large.csv (200,000 rows) and data/million.csv (1,000,000 rows),
# 10 % of their rows invalid.
prepare_peers() {
    local need_pkgs=()
    command -v go >/dev/null || need_pkgs+=(golang-go)
    command -v cargo >/dev/null || need_pkgs+=(cargo)
    [[ -d /usr/share/cargo/registry ]] && ls /usr/share/cargo/registry | grep -q '^hyper-0' \
        || need_pkgs+=(librust-hyper-dev librust-tokio-dev librust-csv-dev librust-serde-json-dev librust-serde-dev librust-bytes-dev librust-futures-util-dev)
    prepare_harness "${need_pkgs[@]}"
    (cd "$WORK/go" && [[ -x go-peer ]] || go build -trimpath -o go-peer .)
    (cd "$WORK/rust" && [[ -x target/release/rust-peer ]] || cargo build --release -q)
}

# The load harness alone (compare.sh, wrk, the workloads), for benchmarks of Fanout by itself;
# installs wrk and any further Debian packages named as arguments when missing.
prepare_harness() {
    local need_pkgs=("$@")
    command -v wrk >/dev/null || need_pkgs+=(wrk)
    if [[ ${#need_pkgs[@]} -gt 0 ]]; then
        echo "peers: installing ${need_pkgs[*]}" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
    fi
    mkdir -p "$WORK" "$OUT"
    cp -r "$PEERS_SRC"/. "$WORK"/ && chmod -R u+w "$WORK"
    mkdir -p "$WORK/data"
    local rows
    for rows in small:20 large:200000 million:1000000; do
        [[ -s "$WORK/data/${rows%%:*}.csv" ]] \
            || python3 "$WORK/gen_people.py" "${rows#*:}" --invalid-rate 0.1 --seed 1 > "$WORK/data/${rows%%:*}.csv"
    done
}

# Builds Fanout when its sources are newer than its jar, and records its AOT caches again when
# they are older than the jar, all outside the measurement. The launcher runs without a cache
# older than its jar, which a build with -Dfanout.aot.skip=true leaves (CI=true scripts/test
# makes one): the runs would then time a JVM without its caches, slower by ~0.3 s a CLI start
# and in the gateway's first seconds, and say nothing (twenty-fourth pass, bench/RESULTS.md).
fanout_ready() {
    "$ROOT/scripts/fanout" --version >/dev/null
    local cache
    for cache in serve validate; do
        if [[ ! "$ROOT/target/$cache.aot" -nt "$ROOT/target/fanout.jar" ]]; then
            echo "$(basename "$0"): target/$cache.aot is missing or older than the jar: recording the AOT caches (mvn package)" >&2
            (source "$ROOT/scripts/java-env.sh" && cd "$FANOUT_ROOT" \
                && mvn -q -B --no-transfer-progress -Dstyle.color=never -DskipTests package >&2)
            [[ "$ROOT/target/$cache.aot" -nt "$ROOT/target/fanout.jar" ]] \
                || { echo "$(basename "$0"): the build recorded no AOT cache newer than the jar" >&2; exit 1; }
            return
        fi
    done
}

# ratios TABLE COLUMN TITLE: the median of COLUMN per target over the rounds of a compare.sh
# table, Fanout's ratio to each peer, and p99 and peak RSS beside them.
ratios() {
    # compare.sh's columns: target req/s in-MB/s out-MB/s p50 p90 p99 max non2xx sockerr
    # RSS-idle RSS-peak srv-CPU req/CPU-s ... (headers of two words each: read by position).
    local column
    case "$2" in
        req/s) column=2 ;;
        "in MB/s") column=3 ;;
        req/CPU-s) column=14 ;;
        *) echo "ratios: unknown column $2" >&2; return 2 ;;
    esac
    awk -v c="$column" -v title="$3" '
        $1 == "target" || NF < 14 || $2 == "failed" { next }
        {
            name = $1; sub(/#.*/, "", name)
            n[name]++; v[name, n[name]] = $c + 0; p99[name, n[name]] = $7; rss[name, n[name]] = $12
            errors[name] += $9 + $10; names[name] = 1
        }
        function median(name,   a, i, j, t, m) {
            m = n[name]; for (i = 1; i <= m; i++) a[i] = v[name, i]
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
        }
        END {
            printf "%s: medians over the rounds\n", title
            for (name in names) {
                med[name] = median(name)
                p = ""; r = ""
                for (i = 1; i <= n[name]; i++) { p = p (i > 1 ? " " : "") p99[name, i]; r = r (i > 1 ? " " : "") rss[name, i] }
                printf "  %-7s %10.2f   p99 %s   peak RSS %s   errors %d\n", name, med[name], p, r, errors[name]
            }
            if ("fanout" in med) for (name in med) if (name != "fanout" && med[name] > 0)
                printf "  fanout/%s = %.2f\n", name, med["fanout"] / med[name]
        }' "$1"
}

# keyed_schemas DIR: the bundled `people` schema as DIR/people.json, and with `"primaryKey": "id"`
# added as DIR/people-pk.json.
keyed_schemas() {
    local bundled="$ROOT/src/main/resources/dev/fanout/schema/people.json"
    mkdir -p "$1"
    cp "$bundled" "$1/people.json"
    python3 - "$bundled" "$1/people-pk.json" <<'PY'
import json, sys
schema = json.load(open(sys.argv[1]))
schema["primaryKey"] = "id"
json.dump(schema, open(sys.argv[2], "w"), indent=2)
PY
}
