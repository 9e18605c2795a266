#!/usr/bin/env bash
# Tunnel throughput side by side (needs root): iperf3 TCP, 1 and 4 streams, through
# wirelab->wirelab, wireguard-go->wireguard-go, wirelab->wireguard-go and wireguard-go->wirelab,
# each in two network namespaces over a veth pair, interleaved round by round. Prints medians,
# ratios against wireguard-go->wireguard-go and each tunnel process's CPU; writes
# benchmarks/TUNNEL.md.
#
#   sudo benchmarks/tunnel.sh                         3 rounds x 5 s, 3 s warm-up per pair (about 4 minutes)
#   sudo benchmarks/tunnel.sh --rounds 5 --seconds 10 --warmup 5 --streams 1,4,8
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/.mvn/jdk25.sh"
case "${1:-}" in -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [ "$(id -u)" -ne 0 ]; then
  echo "benchmarks/tunnel.sh: needs root (network namespaces, TUN devices): sudo benchmarks/tunnel.sh" >&2
  exit 1
fi
cd "$root"
./mvnw -q -pl interop -am package -DskipTests >&2
cp=$(./mvnw -q -pl interop dependency:build-classpath -Dmdep.outputFile=/dev/stdout 2>/dev/null | tr ':' '\n' \
  | grep -v /dev/wirelab/ | paste -sd:)
# This checkout's classes, never ~/.m2's copies of them.
for m in engine capture datapath interop; do cp="$cp:$root/$m/target/classes"; done
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" dev.wirelab.interop.TunnelBenchmark "$@"
