#!/usr/bin/env bash
# The live demo: starts a local mosquitto on a free loopback port, runs
# `eddy run` on queries/live_temperature_alerts.siddhiql, publishes the recorded
# readings in queries/live_temperature_readings.txt to it over MQTT, and shows
# the alerts that come out (and what Eddy logged). Cleans up after itself.
# Installs and builds what is missing first.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null

app=queries/live_temperature_alerts.siddhiql
readings=queries/live_temperature_readings.txt
work="$(mktemp -d)"
broker_pid=""
eddy_pid=""
sub_pid=""
cleanup() {
  for pid in "$sub_pid" "$eddy_pid" "$broker_pid"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port="$(free_port)"
http_port="$(free_port)"
{
  echo "listener $port 127.0.0.1"
  echo "allow_anonymous true"
  echo "max_inflight_messages 1000"
  echo "max_queued_messages 100000"
  if [ "$(id -u)" -eq 0 ]; then echo "user root"; fi
} > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker_pid=$!

wait_for() {  # wait_for SECONDS COMMAND...: retries COMMAND until it succeeds
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "demo: timed out waiting for: $*" >&2; return 1; }
    sleep 0.1
  done
}
wait_for 10 mosquitto_sub -p "$port" -t '$SYS/broker/version' -C 1 -W 1

echo "== the app ($app)"
grep -v '^--' "$app"
echo
echo "== eddy run $app --set mqtt.url=tcp://127.0.0.1:$port --http 127.0.0.1:$http_port"
build/eddy run "$app" --set "mqtt.url=tcp://127.0.0.1:$port" --http "127.0.0.1:$http_port" \
  --state-dir "$work/state" 2>"$work/eddy.log" &
eddy_pid=$!
health() { python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$http_port/health', timeout=1)"; }
wait_for 20 health

mosquitto_sub -p "$port" -t 'alerts/#' -v -q 1 >"$work/alerts.txt" &
sub_pid=$!
sleep 0.5  # let the subscription reach the broker before the readings do

echo
echo "== publishing $(wc -l < "$readings") recorded readings to sensors/<room>/temperature"
while IFS= read -r line; do
  room="$(printf '%s' "$line" | sed -n 's/.*"room":"\([^"]*\)".*/\1/p')"
  mosquitto_pub -p "$port" -q 1 -t "sensors/${room:-unknown}/temperature" -m "$line"
  echo "   $line"
done < "$readings"

# Alerts come out as readings arrive; wait until they stop changing.
last=-1
for _ in $(seq 1 30); do
  now="$(wc -l < "$work/alerts.txt")"
  [ "$now" -eq "$last" ] && [ "$now" -gt 0 ] && break
  last="$now"
  sleep 0.3
done

echo
echo "== alerts (mosquitto_sub -t 'alerts/#')"
cat "$work/alerts.txt"
echo
echo "== what Eddy logged"
cat "$work/eddy.log"
echo
echo "== a few metrics (GET http://127.0.0.1:$http_port/metrics)"
python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$http_port/metrics').read().decode())" |
  grep -E '^eddy_(source|sink)_(messages|events|errors)_total' || true
