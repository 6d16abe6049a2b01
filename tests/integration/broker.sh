#!/usr/bin/env bash
# The integration tests' mosquitto, as a CTest fixture:
#   broker.sh start DIR   picks a free loopback port, writes DIR/mosquitto.conf
#                         and DIR/port, starts the broker (pid in DIR/mosquitto.pid)
#   broker.sh stop DIR    stops it
# Persistence is on (DIR/data/) so that a restarted broker keeps its sessions.
set -euo pipefail
action="$1"
dir="$2"
case "$action" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir/data"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    {
      echo "listener $port 127.0.0.1"
      echo "allow_anonymous true"
      echo "persistence true"
      echo "persistence_location $dir/data/"
      echo "pid_file $dir/mosquitto.pid"
      echo "max_inflight_messages 1000"
      echo "max_queued_messages 1000000"
      echo "log_dest file $dir/mosquitto.log"
      if [ "$(id -u)" -eq 0 ]; then echo "user root"; fi
    } > "$dir/mosquitto.conf"
    echo "$port" > "$dir/port"
    mosquitto -c "$dir/mosquitto.conf" -d
    for _ in $(seq 1 100); do
      if python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port)))"; then
        exit 0
      fi
      sleep 0.1
    done
    echo "broker.sh: mosquitto did not start on port $port" >&2
    cat "$dir/mosquitto.log" >&2 || true
    exit 1
    ;;
  stop)
    if [ -f "$dir/mosquitto.pid" ]; then
      kill "$(cat "$dir/mosquitto.pid")" 2>/dev/null || true
    fi
    ;;
  *)
    echo "usage: broker.sh start|stop DIR" >&2
    exit 64
    ;;
esac
