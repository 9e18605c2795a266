#!/usr/bin/env bash
# Long fuzzing runs of wirelab's Jazzer targets (not part of CI: `./mvnw -B verify` replays only the
# committed inputs under src/test/resources/.../<TestClass>Inputs/<method>/).
#
#   fuzz/run.sh TARGET [DURATION]        e.g. fuzz/run.sh device 15m, fuzz/run.sh uapi 1h
#   fuzz/run.sh list                     the targets
#
# DURATION is Jazzer's (30s, 15m, 2h); default 15m. One fuzzing JVM, one core. New inputs that reach
# new code go to MODULE/.cifuzz-corpus/ (ignored by git; copy the useful ones into the Inputs
# directory); a failing input is written into the Inputs directory itself, so it becomes a
# regression test at once. The log is kept in target/fuzz-TARGET.log and the line libFuzzer ends
# with ("Done N runs in S second(s)") is printed at the end: that N is the execution count to report
# (for the device target, each execution is a script of up to 32 datagrams; it prints the total).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A TARGETS=(
  [codec]="engine dev.wirelab.engine.message.MessageCodecFuzzTest#parseNeverThrowsAndAcceptedMessagesRoundTrip"
  [device]="engine dev.wirelab.engine.device.DeviceFuzzTest#datagramsThatDoNotAuthenticateChangeNothing"
  [outbound]="engine dev.wirelab.engine.device.DeviceFuzzTest#outboundPacketsArriveIntactOrAreDropped"
  [bounds]="engine dev.wirelab.engine.device.DeviceBoundsFuzzTest#stateStaysWithinBoundsWhateverHappens"
  [uapi]="datapath dev.wirelab.datapath.UapiReaderFuzzTest#requestsParseOrAreRefusedAndRefusalsChangeNothing"
  [wgquick]="datapath dev.wirelab.datapath.config.WgQuickReaderFuzzTest#onlyConfigExceptionEscapes"
  [scenario]="simulator dev.wirelab.sim.scenario.ScenarioFileFuzzTest#onlyScenarioErrorEscapes"
)

if [[ $# -lt 1 || "$1" == list || -z "${TARGETS[$1]:-}" ]]; then
  for t in "${!TARGETS[@]}"; do echo "$t: ${TARGETS[$t]}"; done | sort
  [[ $# -ge 1 && "$1" == list ]] && exit 0 || exit 2
fi
read -r module test <<<"${TARGETS[$1]}"
duration="${2:-15m}"
mkdir -p target
log="target/fuzz-$1.log"
echo "fuzzing $test for $duration (log: $log)"
# Only wirelab's classes are instrumented for coverage: BouncyCastle's arithmetic would slow every
# execution and is not what these targets are about.
set +e
JAZZER_FUZZ=1 ./mvnw -B test -pl "$module" -am -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest="$test" -Djazzer.max_duration="$duration" -Djazzer.instrumentation_includes='dev.wirelab.**' \
  >"$log" 2>&1
status=$?
set -e
grep -E '^(#[0-9]+ +(DONE|pulse)|Done [0-9]+ runs)' "$log" | tail -3
# Targets whose executions run several inputs each say how many in all.
grep -E '^[A-Za-z]+FuzzTest: ' "$log" || true
if [[ $status -ne 0 ]]; then
  grep -E 'FuzzTestFinding|Tests run:.*Fail' "$log" | head -5
  echo "fuzzing found a failure (exit $status): see $log"
fi
exit $status
