#!/usr/bin/env bash
# Runs every mutant (mutants/…/Mutants.java) against every conformance check and writes
# conformance/MUTATION.md anew: which checks kill which mutant, and what each run measured.
# Needs root (network namespaces, TUN devices). Takes about half an hour: the mutants run
# PARALLELISM at a time (default 3), each through every check, the 2-minute rekey check included.
#   sudo conformance/mutation.sh            all mutants
#   PARALLELISM=2 sudo conformance/mutation.sh
# The test run (./mvnw -B verify) then re-runs each kill the table claims.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "${1:-}" in -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [ "$(id -u)" -ne 0 ]; then
  echo "conformance/mutation.sh: needs root (network namespaces, TUN devices): sudo conformance/mutation.sh" >&2
  exit 1
fi
cd "$root"
exec ./mvnw -B -pl conformance -am verify -Dtest=MutationTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dwirelab.mutation=full -Dwirelab.mutation.parallelism="${PARALLELISM:-3}"
