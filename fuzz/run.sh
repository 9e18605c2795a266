#!/usr/bin/env bash
# Long fuzzing runs of wirelab's Jazzer targets (not part of CI: `./mvnw -B verify` replays only the
# committed inputs under src/test/resources/.../<TestClass>Inputs/<method>/).
#
#   fuzz/run.sh TARGET [DURATION]        e.g. fuzz/run.sh device 15m, fuzz/run.sh uapi 1h
#   fuzz/run.sh list                     the targets
#   fuzz/run.sh minimize TARGET          shrink TARGET's committed inputs to a set with the same coverage
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
  [capture]="web-visualizer dev.wirelab.viz.CaptureLoaderFuzzTest#onlyCaptureErrorEscapes"
  [requests]="web-visualizer dev.wirelab.viz.RequestBodyFuzzTest#everyBodyGetsAnAnswerOrAClearRefusal"
)

if [[ "${1:-}" == minimize ]]; then
  shift
  export MINIMIZE=1
fi
if [[ $# -lt 1 || "$1" == list || -z "${TARGETS[$1]:-}" ]]; then
  for t in "${!TARGETS[@]}"; do echo "$t: ${TARGETS[$t]}"; done | sort
  [[ $# -ge 1 && "$1" == list ]] && exit 0 || exit 2
fi
read -r module test <<<"${TARGETS[$1]}"
duration="${2:-15m}"

if [[ "${MINIMIZE:-}" == 1 ]]; then
  # libFuzzer's -merge=1 through Jazzer's standalone driver (jazzer-junit has no merge mode): keeps the
  # smallest subset of the inputs that reaches every coverage feature the whole set reaches. Inputs
  # with a name of their own (hand-written seeds) are kept whatever their coverage; the fuzzer names
  # what it finds by the SHA-1 of its content, and only those are candidates for removal.
  . .mvn/jdk25.sh
  class="${test%#*}" method="${test#*#}"
  inputs="$module/src/test/resources/$(dirname "${class//.//}")/${class##*.}Inputs/$method"
  ./mvnw -q -B test-compile -pl "$module" -am
  ./mvnw -q -B dependency:build-classpath -pl "$module" -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/target/fuzz-cp.txt"
  # Sibling modules from their fresh target/classes, not from whatever ~/.m2 holds.
  cp="$module/target/test-classes:$module/target/classes:$(sed -E 's#[^:]*/dev/wirelab/([a-z-]+)/[^:]*\.jar#\1/target/classes#g' target/fuzz-cp.txt)"
  merged="$(mktemp -d)"
  before=$(ls "$inputs" | wc -l)
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" com.code_intelligence.jazzer.Jazzer \
    --target_class="$class" --target_method="$method" --instrumentation_includes='dev.wirelab.**' \
    -merge=1 "$merged" "$inputs" >"target/fuzz-minimize-$1.log" 2>&1
  grep 'MERGE-OUTER: .* new files' "target/fuzz-minimize-$1.log"
  for f in "$inputs"/*; do
    name="$(basename "$f")"
    if [[ "$name" =~ ^[0-9a-f]{40}$ && ! -e "$merged/$name" ]]; then rm "$f"; fi
  done
  rm -rf "$merged"
  echo "$inputs: $before inputs before, $(ls "$inputs" | wc -l) after"
  exit 0
fi
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
