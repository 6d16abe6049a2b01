#!/usr/bin/env bash
# The demo: installs what is missing, builds, and replays recorded temperature
# readings through queries/temperature_alerts.siddhiql, showing what comes out.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null

app=queries/temperature_alerts.siddhiql
events=queries/temperature_alerts.jsonl
echo "== the app ($app)"
grep -v '^--' "$app"
echo
echo "== the recorded readings ($events)"
cat "$events"
echo
echo "== what Eddy emits (build/eddy replay $app --events $events)"
build/eddy replay "$app" --events "$events"
