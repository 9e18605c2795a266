#!/usr/bin/env bash
# Runs the JMH crypto, handshake and AllowedIPs benchmarks and `openssl speed` in one go on this
# machine and prints them side by side with their ratios (also written to
# benchmarks/results/latest.md; a full run with no JMH arguments also to benchmarks/RESULTS.md,
# the committed table).
#
#   benchmarks/run.sh            full run (JMH defaults from the annotations, ~10.5 minutes)
#   benchmarks/run.sh --quick    smoke run (1 short iteration each, ~1.5 minutes): not a measurement
#   benchmarks/run.sh -f 3 AeadBench   any other arguments go to JMH unchanged
#
# Absolute numbers on these shared 2-core machines move from run to run; the ratios between
# numbers taken in the same run are what to read (see benchmarks/README.md).
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$bench_dir/.." && pwd)
# shellcheck source=../.mvn/jdk25.sh
. "$root/.mvn/jdk25.sh"
java="$JAVA_HOME/bin/java"

quick=0
jmh_args=()
for arg in "$@"; do
  case $arg in
    --quick) quick=1 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) jmh_args+=("$arg") ;;
  esac
done

if [ "$quick" = 1 ]; then
  jmh_run_args=(-f 1 -wi 1 -i 1 -w 1s -r 1s)
  openssl_seconds=1
  run_kind="QUICK SMOKE RUN (1 short iteration per benchmark): proves the pipeline, not a measurement"
else
  jmh_run_args=()
  openssl_seconds=3
  run_kind="full run"
fi

results="$bench_dir/results"
mkdir -p "$results"
json="$results/jmh.json"
openssl_log="$results/openssl.txt"
report="$results/latest.md"

# Build when the jar is missing or older than the code it measures, so a run never measures
# yesterday's engine.
jar="$bench_dir/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/pom.xml" "$root/engine/pom.xml" "$root/engine/src/main" \
    "$root/simulator/pom.xml" "$root/simulator/src/main" \
    "$bench_dir/pom.xml" "$bench_dir/src/main" -newer "$jar" -print -quit)" ]; then
  echo "run.sh: building $jar" >&2
  # clean: the compiler plugin does not notice a changed processor path and would keep classes
  # compiled without JMH's generator (the enforcer rule then stops the build).
  (cd "$root" && ./mvnw -q -pl engine,benchmarks -am clean package -DskipTests)
fi

# ---- machine ---------------------------------------------------------------------------------
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
jdk_version=$("$java" -version 2>&1 | head -1)
openssl_version=$(openssl version 2>/dev/null || echo "openssl not found")
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- openssl speed ---------------------------------------------------------------------------
# -elapsed divides by wall-clock time, as JMH does (the default, CPU user time, flatters OpenSSL
# when other agents share the cores). -mr gives lines that can be parsed. Single-threaded, like
# the JMH benchmarks.
: >"$openssl_log"
have_openssl=0; command -v openssl >/dev/null 2>&1 && have_openssl=1
openssl_help=$( [ "$have_openssl" = 1 ] && openssl speed -help 2>&1 || true)
has_bytes=0; grep -q -- '-bytes' <<<"$openssl_help" && has_bytes=1
# -aead makes each operation a whole TLS-style record: set nonce, 13 bytes AAD, encrypt, tag.
# That is what our seal() does per packet; without it OpenSSL only streams EncryptUpdate.
aead_flag=(); grep -q -- '-aead' <<<"$openssl_help" && aead_flag=(-aead)

openssl_speed() { # openssl speed arguments... -> its -mr output, also appended to the log
  echo "\$ openssl speed -elapsed -seconds $openssl_seconds -mr $*" >>"$openssl_log"
  openssl speed -elapsed -seconds "$openssl_seconds" -mr "$@" 2>&1 | tee -a "$openssl_log" || true
}

declare -A ossl_aead_bps=()
ossl_x25519_ops=""
ossl_blake2s_bps=""
if [ "$have_openssl" = 1 ]; then
  echo "run.sh: openssl speed (${openssl_seconds}s per item)" >&2
  if [ "$has_bytes" = 1 ]; then
    for size in 64 512 1420 9000; do
      ossl_aead_bps[$size]=$(openssl_speed "${aead_flag[@]}" -evp chacha20-poly1305 -bytes "$size" \
        | awk -F: '/^\+F:/ {print $4; exit}')
    done
    ossl_blake2s_bps=$(openssl_speed -evp blake2s256 -bytes 1420 | awk -F: '/^\+F:/ {print $4; exit}')
  else
    echo "run.sh: this openssl speed has no -bytes; no OpenSSL figures for packet sizes" >&2
  fi
  # +F5:index:bits:ops per second:seconds per op
  ossl_x25519_ops=$(openssl_speed ecdhx25519 | awk -F: '/^\+F5:/ {print $4; exit}')
fi

# ---- JMH -------------------------------------------------------------------------------------
echo "run.sh: JMH ${jmh_run_args[*]} ${jmh_args[*]}" >&2
"$java" -jar "$jar" "${jmh_run_args[@]}" "${jmh_args[@]}" -rf json -rff "$json"

have_jq=0; command -v jq >/dev/null 2>&1 && have_jq=1

score() { # Bench.method [k=v,k=v sorted by key] -> its score in the benchmark's unit (ops/s; ns/op
           # for AllowedIpsBench, ReplayWindowBench, DeviceBench), or nothing when it did not run
  local name="dev.wirelab.bench.$1" params="${2:-}"
  if [ "$have_jq" = 1 ]; then
    jq -r --arg b "$name" --arg p "$params" '
      [ .[] | select(.benchmark == $b
          and (((.params // {}) | to_entries | map("\(.key)=\(.value)") | sort | join(",")) == $p))
      | .primaryMetric.score ] | first // empty' "$json"
  else
    python3 - "$json" "$name" "$params" <<'PY'
import json, sys
path, name, params = sys.argv[1:]
for r in json.load(open(path)):
    p = ",".join(sorted(f"{k}={v}" for k, v in (r.get("params") or {}).items()))
    if r["benchmark"] == name and p == params:
        print(r["primaryMetric"]["score"])
        break
PY
  fi
}

secondary() { # Bench.method metric -> that secondary metric's score (AuxCounters), or nothing
  local name="dev.wirelab.bench.$1" metric="$2"
  python3 - "$json" "$name" "$metric" <<'PY'
import json, sys
path, name, metric = sys.argv[1:]
for r in json.load(open(path)):
    if r["benchmark"] == name and metric in (r.get("secondaryMetrics") or {}):
        print(r["secondaryMetrics"][metric]["score"])
        break
PY
}

# Formatting: "–" wherever a number is missing, so a partial run still prints a table.
fmt_ops() { awk -v x="$1" 'BEGIN { if (x == "") print "–"; else printf "%.0f\n", x }'; }
fmt_ns() { awk -v x="$1" 'BEGIN { if (x == "") print "–"; else printf "%.1f\n", x }'; }
fmt_mbs() { # bytes per second -> MB/s (10^6)
  awk -v x="$1" 'BEGIN { if (x == "") print "–"; else printf "%.0f\n", x / 1e6 }'; }
mul() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print ""; else printf "%.6f\n", a * b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "–"; else printf "%.2f\n", a / b }'; }
# X25519 bound of an operation making n_dh shared secrets and n_pub public keys, from X25519 ops/s:
# 1 / (n_dh / shared-secret ops/s + n_pub / public-key ops/s).
x25519_bound() { # n_dh n_pub dh_ops pub_ops -> ops/s, or nothing
  awk -v n="$1" -v m="$2" -v d="$3" -v p="$4" 'BEGIN {
    if (d == "" || p == "" || d + 0 == 0 || p + 0 == 0) print ""; else printf "%.6f\n", 1 / (n / d + m / p) }'; }

{
  echo "# wirelab crypto, handshake and AllowedIPs benchmarks: $run_kind"
  echo
  echo "- date: $started"
  echo "- machine: $(nproc) cores, $cpu_model; load average at start: $load_at_start"
  echo "- JDK: $jdk_version ($JAVA_HOME)"
  echo "- OpenSSL: $openssl_version"
  echo "- JMH arguments: ${jmh_run_args[*]:-(annotation defaults)} ${jmh_args[*]:-}"
  echo "- OpenSSL commands: \`openssl speed -elapsed -seconds $openssl_seconds ${aead_flag[*]:-} -evp chacha20-poly1305 -bytes N\`, \`... ecdhx25519\`, \`... -evp blake2s256 -bytes 1420\`"
  echo
  echo "One run on a shared, noisy machine: read the ratios (same run, same load), not the absolute numbers."
  echo "All figures single-threaded. MB = 10^6 bytes of payload (the tag is not counted)."
  echo
  echo "## ChaCha20-Poly1305 seal/open, MB/s"
  echo
  echo "| payload bytes | JDK seal | BC seal | JDK open | BC open | OpenSSL seal | JDK seal / OpenSSL | BC seal / OpenSSL | JDK / BC seal |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for size in 64 512 1420 9000; do
    jdk_seal=$(mul "$(score AeadBench.seal "provider=jdk,size=$size")" "$size")
    bc_seal=$(mul "$(score AeadBench.seal "provider=bc,size=$size")" "$size")
    jdk_open=$(mul "$(score AeadBench.open "provider=jdk,size=$size")" "$size")
    bc_open=$(mul "$(score AeadBench.open "provider=bc,size=$size")" "$size")
    ossl=${ossl_aead_bps[$size]:-}
    label=$size; [ "$size" = 1420 ] && label="**1420** (WireGuard MTU payload)"
    echo "| $label | $(fmt_mbs "$jdk_seal") | $(fmt_mbs "$bc_seal") | $(fmt_mbs "$jdk_open") | $(fmt_mbs "$bc_open") | $(fmt_mbs "$ossl") | $(ratio "$jdk_seal" "$ossl") | $(ratio "$bc_seal" "$ossl") | $(ratio "$jdk_seal" "$bc_seal") |"
  done
  echo
  echo "## X25519, operations per second"
  echo
  bc_dh=$(score X25519Bench.sharedSecret provider=bc)
  jdk_dh=$(score X25519Bench.sharedSecret provider=jdk)
  bc_pub=$(score X25519Bench.publicKey provider=bc)
  jdk_pub=$(score X25519Bench.publicKey provider=jdk)
  echo "| operation | BC | JDK | OpenSSL | BC / OpenSSL | JDK / OpenSSL | BC / JDK |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  echo "| shared secret | $(fmt_ops "$bc_dh") | $(fmt_ops "$jdk_dh") | $(fmt_ops "$ossl_x25519_ops") | $(ratio "$bc_dh" "$ossl_x25519_ops") | $(ratio "$jdk_dh" "$ossl_x25519_ops") | $(ratio "$bc_dh" "$jdk_dh") |"
  echo "| public key from private key | $(fmt_ops "$bc_pub") | $(fmt_ops "$jdk_pub") | – | – | – | $(ratio "$bc_pub" "$jdk_pub") |"
  echo
  echo "## BLAKE2s (BouncyCastle)"
  echo
  hash_ops=$(score Blake2sBench.hash)
  hash_bps=$(mul "$hash_ops" 1420)
  hmac_ops=$(score Blake2sBench.hmac)
  echo "| operation | ops/s | MB/s | OpenSSL MB/s | BC / OpenSSL |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "| HASH, 1420 bytes | $(fmt_ops "$hash_ops") | $(fmt_mbs "$hash_bps") | $(fmt_mbs "$ossl_blake2s_bps") | $(ratio "$hash_bps" "$ossl_blake2s_bps") |"
  echo "| HMAC, 32-byte key, 32 bytes | $(fmt_ops "$hmac_ops") | – | – | – |"
  echo
  echo "## Handshake (engine's Noise IKpsk2 + cookie layer + codec, Crypto.fastest()), operations per second"
  echo
  # X25519 calls per operation: the static-static DH is precomputed per peer, as in the kernel.
  # HandshakeBench.checkX25519Counts() fails the benchmark (and its test) if the code disagrees.
  echo "X25519 bound = 1 / (n_dh / X25519 shared-secret ops/s + n_pub / X25519 public-key ops/s), with this run's BC"
  echo "X25519Bench figures: the rate if X25519 were all the operation did. ops/s ÷ bound = the share of its time in X25519."
  echo
  echo "| operation | X25519 calls (n_dh DH + n_pub public keys) | ops/s | X25519 bound | ops/s ÷ bound |"
  echo "| --- | --- | ---: | ---: | ---: |"
  hs_row() { # label bench n_dh n_pub
    local ops bound
    ops=$(score "HandshakeBench.$2")
    bound=$(x25519_bound "$3" "$4" "$bc_dh" "$bc_pub")
    echo "| $1 | $3 DH + $4 pubkey | $(fmt_ops "$ops") | $(fmt_ops "$bound") | $(ratio "$ops" "$bound") |"
  }
  hs_row "initiator: create initiation, encode, mac1" createInitiation 1 1
  hs_row "**responder**: mac1 check, consume initiation, create response, begin session" responder 3 1
  hs_row "initiator: mac1 check, consume response, begin session" consumeResponse 2 0
  hs_row "full round trip (the three above)" roundTrip 6 2
  echo
  responder_ops=$(score HandshakeBench.responder)
  responder_bound=$(x25519_bound 3 1 "$bc_dh" "$bc_pub")
  echo "Responder handshakes/s: $(fmt_ops "$responder_ops"); X25519 bound = 1 / (3 / $(fmt_ops "$bc_dh") + 1 / $(fmt_ops "$bc_pub")) = $(fmt_ops "$responder_bound") handshakes/s; ratio $(ratio "$responder_ops" "$responder_bound")."
  echo
  cookie_ops=$(score UnderLoadBench.cookieReply)
  echo "Under load (UnderLoadBench: the handshake backlog at the kernel's threshold, initiations with a valid mac1 and"
  echo "no mac2 from 10^4 spoofed sources): $(fmt_ops "$cookie_ops") cookie replies/s, $(ratio "$cookie_ops" "$responder_ops") for each handshake the"
  echo "responder could have done in the same time."
  echo
  echo "## AllowedIPs longest-prefix lookup (engine trie), nanoseconds per lookup"
  echo
  echo "A table of exactly N distinct random prefixes (cidr uniform in 1..32 or 1..128), 1,000 peers;"
  echo "each lookup takes the next of 2^16 random addresses. Average time, lower is better."
  echo
  echo "| prefixes | IPv4 ns | IPv6 ns |"
  echo "| ---: | ---: | ---: |"
  for n in 1000 100000 1000000; do
    echo "| $n | $(fmt_ns "$(score AllowedIpsBench.lookupIpv4 "prefixes=$n")") | $(fmt_ns "$(score AllowedIpsBench.lookupIpv6 "prefixes=$n")") |"
  done
  echo
  echo "## Transport path, nanoseconds per packet"
  echo
  echo "ReplayWindowBench: the replay check of one received counter after its tag verified. DeviceBench:"
  echo "Device.onOutbound (AllowedIPs lookup, staging, seal) for Device send; plus the peer Device's"
  echo "onDatagram (index lookup, open, replay and source checks, delivery) for send + receive."
  echo
  echo "| operation | 64-byte packet | 1420-byte packet |"
  echo "| --- | ---: | ---: |"
  echo "| replay window, in order | $(fmt_ns "$(score ReplayWindowBench.inOrder)") | |"
  echo "| replay window, reordered within 64 | $(fmt_ns "$(score ReplayWindowBench.reordered)") | |"
  echo "| Device send | $(fmt_ns "$(score DeviceBench.send size=64)") | $(fmt_ns "$(score DeviceBench.send size=1420)") |"
  echo "| Device send + receive | $(fmt_ns "$(score DeviceBench.sendAndReceive size=64)") | $(fmt_ns "$(score DeviceBench.sendAndReceive size=1420)") |"
  echo
  echo "## Simulator"
  echo
  echo "pingPair: two hosts, a ping every 10 ms for 10 simulated seconds, trace hashed (JSON lines + SHA-256) but"
  echo "not kept. hubHour: a hub with 1,000 peers each pinging it once a minute for one simulated hour, timed once."
  echo
  echo "| measure | value | target (issue 8) |"
  echo "| --- | ---: | ---: |"
  echo "| simulator events per second (pingPair) | $(fmt_ops "$(secondary SimulatorBench.pingPair events)") | ≥ 1,000,000 |"
  echo "| 1,000-peer hub, one simulated hour, seconds | $(fmt_ns "$(score SimulatorBench.hubHour)") | < 10 |"
  echo
  echo "Raw data: results/jmh.json (JMH, with score errors), results/openssl.txt."
  echo
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine has $(nproc) cores; other agents share them)."
} | tee "$report"
echo "run.sh: table written to $report" >&2

# The committed table: only a full run with the annotation defaults, so a smoke run or a run of
# some benchmarks never replaces it with a partial or unmeasured one.
if [ "$quick" = 0 ] && [ "${#jmh_args[@]}" -eq 0 ]; then
  committed="$bench_dir/RESULTS.md"
  {
    echo "<!-- Written by benchmarks/run.sh from a full run; regenerate with: benchmarks/run.sh -->"
    echo
    echo "Regenerated by \`benchmarks/run.sh\` (no arguments), $(git -C "$root" log -1 --format='commit %h' 2>/dev/null || echo 'commit unknown')$(git -C "$root" diff --quiet HEAD -- engine simulator benchmarks/src benchmarks/pom.xml benchmarks/run.sh 2>/dev/null || echo ' plus uncommitted changes')."
    echo
    cat "$report"
  } >"$committed"
  echo "run.sh: committed table written to $committed" >&2
fi
