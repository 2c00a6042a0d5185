#!/usr/bin/env bash
# Runs every test: unit, integration (real PostgreSQL, Redis, Kafka development cluster), end-to-end through the
# AppHost and browser tests in headless Chromium. Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh --browser || exit 1

results=TestResults
rm -rf "$results"
dotnet test EfaPlatform.sln --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [[ -f "$trx" ]] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
  skipped=$((skipped + $(value notExecuted)))
done
# A run that broke off (build error, crashed test host) has failed even when no single test reported it.
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
