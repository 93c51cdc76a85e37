#!/usr/bin/env bash
# One long fault-injection run against real node processes on 127.0.0.1, e.g.
#   tests/run-nemesis.sh --workload bank --nemesis kill,stop,pause,partition,clock,moves --time 10m [--seed N] [--overlap]
# Options: --workload bank|register|list-append|set   (required)
#          --nemesis  a comma-separated subset of kill,stop,pause,partition,clock,moves, or all, or none (default all)
#          --time     load duration: 90s, 10m, 1h (default 5m)
#          --seed     replays a schedule (default: a fresh seed, printed)
#          --nodes    3 or 5 (default 3);  --workers N (default 8)
#          --results  the results folder (default tests/target/nemesis)
#          --overlap  a second fault may start while one is active, if together they leave a majority
# Writes <results>/<workload>-<nemeses>-<seed>/ with history.edn, events.txt, verdict.txt,
# timeline.html and the node logs. Exits non-zero on any anomaly (or if the run proved nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
workload="" nemesis="all" time="5m" seed="" nodes="3" workers="8" results="$PWD/tests/target/nemesis" overlap="false"
while [ $# -gt 0 ]; do
  case "$1" in
    --workload) workload="$2"; shift 2 ;;
    --nemesis|--nemeses) nemesis="$2"; shift 2 ;;
    --time) time="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --nodes) nodes="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --overlap) overlap="true"; shift ;;
    --results) results="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run-nemesis.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$workload" in
  bank|register|list-append|set) ;;
  *) echo "run-nemesis.sh: --workload must be bank, register, list-append or set" >&2; exit 2 ;;
esac
props=(-Dnemesis.workload="$workload" -Dnemesis.nemeses="$nemesis" -Dnemesis.time="$time"
       -Dnemesis.nodes="$nodes" -Dnemesis.workers="$workers" -Dnemesis.results="$results"
       -Dnemesis.overlap="$overlap")
[ -n "$seed" ] && props+=(-Dnemesis.seed="$seed")
# -am builds the modules the tests need from this checkout (never from ~/.m2); no other module
# runs a test, since none matches the selection.
exec mvn -B -ntp -q -pl tests -am test -Dtest=NemesisLongRunTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.printSummary=true "${props[@]}"
