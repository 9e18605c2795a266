#!/usr/bin/env bash
# Runs every mutant (mutants/…/Mutants.java) against every conformance check and writes
# conformance/MUTATION.md anew: which checks kill which mutant, and what each run measured.
# Needs root (network namespaces, TUN devices). Takes about an hour: the mutants run PARALLELISM
# at a time (default 3), each through every quick check, and the slow ones when it survived those.
#   sudo conformance/mutation.sh                          all mutants
#   sudo MUTANTS=no-padding,no-replay-window conformance/mutation.sh   these only: their rows are replaced
#   sudo PARALLELISM=2 conformance/mutation.sh
# The test run (./mvnw -B verify) then re-runs each kill the table claims.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${1:-}" in -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [ "$(id -u)" -ne 0 ]; then
  echo "conformance/mutation.sh: needs root (network namespaces, TUN devices): sudo conformance/mutation.sh" >&2
  exit 1
fi
cd "$root"
exec ./mvnw -B -pl conformance -am verify -Dtest=MutationTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dwirelab.mutation=full -Dwirelab.mutation.parallelism="${PARALLELISM:-3}" -Dwirelab.mutation.only="${MUTANTS:-}"
