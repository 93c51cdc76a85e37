#!/usr/bin/env bash
# Runs the Raft benchmark without the conclave launcher:
#   bench/run-raft-bench.sh [--scenario single|groups|idle|all] [--duration 20s] [--proposers 64] ...
# Builds the bench module and what it needs first if its jar is missing or older than any source.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/bench/target/conclave-bench-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$jar" || ! -d "$root/bench/target/lib" ]] \
   || [[ -n "$(find "$root" -path "$root/*/target" -prune -o \( -path '*/src/*' -o -name pom.xml \) -type f -newer "$jar" -print -quit)" ]]; then
  (cd "$root" && mvn -q -Dmaven.test.skip=true -pl bench -am package)
fi
exec java --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  -cp "$jar:$root/bench/target/lib/*" io.conclave.bench.BenchMain raft "$@"
