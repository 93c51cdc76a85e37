#!/usr/bin/env bash
# YCSB workloads against a local 3-node Conclave cluster through JDBC (SQL on usertable, the
# issue 9 target), optionally through the native KV client too, and then against a throwaway
# PostgreSQL cluster on loopback, through the same tool; printed side by side with the ratios to
# PostgreSQL and issue 9's targets (A >= 0.5x, B >= 0.7x, C >= 1.0x, E >= 1.0x; F has none).
#
#   bench/run-ycsb-vs-postgres.sh [--install] [--workloads a,b,c,e,f] [--records 100000]
#       [--threads 32] [--duration 60s] [--warmup 60s] [--out DIR] [--with-kv]
#       [--commit-wait-off c,a] [--witness-off a] [--skip-conclave] [--skip-postgres]
#       [-- extra 'bench ycsb' flags]
#
# --with-kv also runs each workload through the native KV client; --commit-wait-off W,... runs
# those workloads through JDBC once more with the sessions' commit_wait off (extra rows; the
# main rows keep the default, on); --witness-off W,... runs those once more with commit-wait on
# but its witnessed fast path off on every node (--node-flags --commit-wait-witness=false: every
# commit waits out the max offset; do not pass --node-flags in the extra flags then). Installs nothing unless --install is given (then: sudo
# apt-get install -y postgresql-15, or postgresql). PostgreSQL runs from
# /usr/lib/postgresql/<newest>/bin with fsync and synchronous_commit on, its data in a temporary
# directory; the JDBC driver jar comes from Maven Central through 'mvn dependency:copy'. Each
# Conclave run starts a fresh cluster; everything started here is stopped by its PID on exit.
# The table is also written to DIR/table.md. The default warm-up is 60 s, for both databases: on
# 2 cores shared by three node JVMs, their JIT compilers still took a third of the nodes' CPU
# 20 s into a run (bench/RESULTS.md, "How long a warm-up").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

workloads="a,b,c,e,f"; records=100000; threads=32; duration=60s; warmup=60s
out="$root/bench/target/ycsb-$(date -u +%Y%m%dT%H%M%SZ)"
install=0; run_conclave=1; run_postgres=1; with_kv=0; cw_off=""; wit_off=""; extra=()
pg_driver="org.postgresql:postgresql:42.7.13"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --install) install=1 ;;
    --workloads) workloads="$2"; shift ;;
    --records) records="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --out) out="$2"; shift ;;
    --skip-conclave) run_conclave=0 ;;
    --with-kv) with_kv=1 ;;
    --commit-wait-off) cw_off="$2"; shift ;;
    --witness-off) wit_off="$2"; shift ;;
    --skip-postgres) run_postgres=0 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run-ycsb-vs-postgres: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
IFS=',' read -r -a wl <<< "$workloads"
cw_off_wl=(); [[ -n "$cw_off" ]] && IFS=',' read -r -a cw_off_wl <<< "$cw_off"
wit_off_wl=(); [[ -n "$wit_off" ]] && IFS=',' read -r -a wit_off_wl <<< "$wit_off"
# Every workload some Conclave row needs, in order, once: PostgreSQL runs each of them.
all_wl=(); for w in "${wl[@]}" "${cw_off_wl[@]}" "${wit_off_wl[@]}"; do [[ " ${all_wl[*]} " == *" $w "* ]] || all_wl+=("$w"); done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# --- the benchmark jar (built when missing or older than any source) ---
jar="$root/bench/target/conclave-bench-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$jar" || ! -d "$root/bench/target/lib" ]] \
   || [[ -n "$(find "$root" -path "$root/*/target" -prune -o \( -path '*/src/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]]; then
  echo "building the bench module ..." >&2
  (cd "$root" && mvn -q -Dmaven.test.skip=true -pl bench -am package)
fi
ycsb() {
  java --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "$jar:$root/bench/target/lib/*" io.conclave.bench.BenchMain ycsb "$@"
}
common=(--records "$records" --threads "$threads" --duration "$duration" --warmup "$warmup")

# --- PostgreSQL: found (or installed on request), started on loopback, stopped by PID ---
pg_pid=""; pg_tmp=""; pg_wrapper=""
# Stops the postmaster by its own PID (from postmaster.pid: as root it runs under runuser, whose
# PID is not the server's), with SIGINT, PostgreSQL's fast shutdown; SIGKILL after 10 s.
stop_postgres() {
  if [[ -n "$pg_pid" ]] && kill -0 "$pg_pid" 2>/dev/null; then
    echo "stopping PostgreSQL (pid $pg_pid)" >&2
    kill -INT "$pg_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pg_pid" 2>/dev/null || true
  fi
  [[ -n "$pg_wrapper" ]] && wait "$pg_wrapper" 2>/dev/null || true
  [[ -n "$pg_tmp" ]] && rm -rf "$pg_tmp"
  pg_pid=""; pg_tmp=""; pg_wrapper=""
}
trap stop_postgres EXIT INT TERM

start_postgres() {
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "$bin" && $install -eq 1 ]]; then
    sudo apt-get install -y postgresql-15 || sudo apt-get install -y postgresql
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  fi
  [[ -n "$bin" && -x "$bin/initdb" ]] || { echo "PostgreSQL not found under /usr/lib/postgresql/*/bin; rerun with --install" >&2; exit 1; }
  pg_tmp="$(mktemp -d /tmp/ycsb-postgres.XXXXXX)"
  local as=()
  if [[ $(id -u) -eq 0 ]]; then   # PostgreSQL refuses to run as root
    id postgres >/dev/null 2>&1 || { echo "running as root needs a 'postgres' user" >&2; exit 1; }
    chown postgres "$pg_tmp"; as=(runuser -u postgres --)
  fi
  pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  "${as[@]}" "$bin/initdb" -D "$pg_tmp/data" -U postgres -A trust -E UTF8 --locale=C >"$pg_tmp/initdb.log" 2>&1
  "${as[@]}" "$bin/postgres" -D "$pg_tmp/data" -p "$pg_port" -k "$pg_tmp" -c listen_addresses=127.0.0.1 \
    -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=512MB >"$pg_tmp/postgres.log" 2>&1 &
  pg_wrapper=$!
  for _ in $(seq 1 100); do
    [[ -z "$pg_pid" && -f "$pg_tmp/data/postmaster.pid" ]] && pg_pid="$(head -1 "$pg_tmp/data/postmaster.pid")"
    [[ -n "$pg_pid" ]] && "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break
    kill -0 "$pg_wrapper" 2>/dev/null || { cat "$pg_tmp/postgres.log" >&2; exit 1; }
    sleep 0.2
  done
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" || { echo "PostgreSQL did not start" >&2; cat "$pg_tmp/postgres.log" >&2; exit 1; }
  "$bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE ycsb" >/dev/null
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (pid $pg_pid), data in $pg_tmp" >&2
}

fetch_driver() {
  local dir="$out/driver"
  mkdir -p "$dir"
  (cd "$root" && mvn -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -Dartifact="$pg_driver" \
    -DoutputDirectory="$dir" -Dmdep.stripVersion=false) >&2
  ls "$dir"/postgresql-*.jar | head -1
}

if [[ $run_conclave -eq 1 ]]; then
  for w in "${wl[@]}"; do
    echo "=== Conclave through JDBC (SQL, commit-wait on), local 3-node cluster, workload $w ===" >&2
    ycsb --workload "$w" --cluster local:3 --via sql --commit-wait on "${common[@]}" --out "$out/conclave-sql-$w" "${extra[@]}" \
      || echo "run-ycsb-vs-postgres: workload $w failed (exit $?); going on" >&2
    if [[ $with_kv -eq 1 ]]; then
      echo "=== Conclave (native KV), local 3-node cluster, workload $w ===" >&2
      ycsb --workload "$w" --cluster local:3 --via kv "${common[@]}" --out "$out/conclave-kv-$w" "${extra[@]}" \
      || echo "run-ycsb-vs-postgres: workload $w failed (exit $?); going on" >&2
    fi
  done
  for w in "${cw_off_wl[@]}"; do
    echo "=== Conclave through JDBC (SQL, commit-wait off), local 3-node cluster, workload $w ===" >&2
    ycsb --workload "$w" --cluster local:3 --via sql --commit-wait off "${common[@]}" --out "$out/conclave-sql-cwoff-$w" "${extra[@]}" \
      || echo "run-ycsb-vs-postgres: workload $w failed (exit $?); going on" >&2
  done
  for w in "${wit_off_wl[@]}"; do
    echo "=== Conclave through JDBC (SQL, commit-wait on, witness off), local 3-node cluster, workload $w ===" >&2
    ycsb --workload "$w" --cluster local:3 --via sql --commit-wait on --node-flags "--commit-wait-witness=false" \
      "${common[@]}" --out "$out/conclave-sql-nowit-$w" "${extra[@]}" \
      || echo "run-ycsb-vs-postgres: workload $w failed (exit $?); going on" >&2
  done
fi
if [[ $run_postgres -eq 1 ]]; then
  driver="$(fetch_driver)"
  start_postgres
  for w in "${all_wl[@]}"; do
    echo "=== PostgreSQL, workload $w ===" >&2
    ycsb --workload "$w" --target-db "jdbc:postgresql://127.0.0.1:$pg_port/ycsb?user=postgres" --driver-jar "$driver" \
      --create-table "${common[@]}" --out "$out/postgres-$w" "${extra[@]}" \
      || echo "run-ycsb-vs-postgres: workload $w failed (exit $?); going on" >&2
  done
  stop_postgres
fi

# --- side by side: throughput and p50/p99 per operation, each Conclave target as a ratio of PostgreSQL ---
target_ratio() { case "$1" in a) echo 0.5 ;; b) echo 0.7 ;; c|e) echo 1.0 ;; *) echo "" ;; esac; }
get() { [[ -f "$1" ]] && jq -r --arg op "$2" ".operations[] | select(.operation==\$op) | $3" "$1" || true; }
num() { [[ -n "$1" ]] && echo "$1" || echo 0; }
ms() { awk -v v="$1" 'BEGIN{ if (v == "") print "-"; else printf "%.2f", v/1000 }'; }
table() {
  echo "YCSB, $records records, $threads threads, $duration measured after $warmup warm-up (results in $out)"
  echo "Conclave at $(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown) on $(nproc) cores, load average now $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| workload | target | ops/s | p50 ms | p99 ms | PostgreSQL ops/s | ratio | issue 9 target |"
  echo "|---|---|---:|---:|---:|---:|---:|---|"
  for w in "${all_wl[@]}"; do
    p="$out/postgres-$w/summary.json"; pt="$(get "$p" TOTAL .opsPerSecond)"
    for kind in sql kv sql-cwoff sql-nowit; do
      c="$out/conclave-$kind-$w/summary.json"
      [[ -f "$c" ]] || continue
      case "$kind" in sql) name="Conclave JDBC, commit-wait on" ;; kv) name="Conclave native KV" ;;
        sql-nowit) name="Conclave JDBC, commit-wait on, witness off" ;; *) name="Conclave JDBC, commit-wait off" ;; esac
      ct="$(get "$c" TOTAL .opsPerSecond)"
      ratio="-"; [[ -n "$ct" && -n "$pt" ]] && ratio="$(awk -v a="$ct" -v b="$pt" 'BEGIN{ if (b>0) printf "%.2fx", a/b; else print "-" }')"
      tr="$(target_ratio "$w")"; verdict="none"
      if [[ -n "$tr" && "$kind" == sql ]]; then
        verdict="$(awk -v a="$ct" -v b="$pt" -v t="$tr" 'BEGIN{ if (b>0 && a/b >= t) printf ">= %.1fx (met)", t; else printf ">= %.1fx (missed)", t }')"
      elif [[ -n "$tr" ]]; then
        verdict="(>= ${tr}x applies to JDBC, commit-wait on)"
      fi
      printf '| %s | %s | %.0f | %s | %s | %.0f | %s | %s |\n' "${w^^}" "$name" "${ct:-0}" \
        "$(ms "$(get "$c" TOTAL .p50Micros)")" "$(ms "$(get "$c" TOTAL .p99Micros)")" "${pt:-0}" "$ratio" "$verdict"
    done
  done
  echo
  echo "Per operation (Conclave JDBC with commit-wait on, and PostgreSQL):"
  echo
  echo "| workload | operation | Conclave ops/s | p50 ms | p99 ms | PostgreSQL ops/s | p50 ms | p99 ms |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|"
  for w in "${wl[@]}"; do
    c="$out/conclave-sql-$w/summary.json"; p="$out/postgres-$w/summary.json"
    ops="$(for f in "$c" "$p"; do [[ -f "$f" ]] && jq -r '.operations[].operation' "$f"; done | awk '!seen[$0]++' | grep -v '^TOTAL$' || true)"
    for op in $ops; do
      printf '| %s | %s | %.0f | %s | %s | %.0f | %s | %s |\n' "${w^^}" "$op" \
        "$(num "$(get "$c" "$op" .opsPerSecond)")" "$(ms "$(get "$c" "$op" .p50Micros)")" "$(ms "$(get "$c" "$op" .p99Micros)")" \
        "$(num "$(get "$p" "$op" .opsPerSecond)")" "$(ms "$(get "$p" "$op" .p50Micros)")" "$(ms "$(get "$p" "$op" .p99Micros)")"
    done
  done
}
echo
table | tee "$out/table.md"
