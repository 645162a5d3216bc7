#!/usr/bin/env bash
# Stop the one-node Slurm cluster started by ci/slurm/start.sh.
#   stop.sh               stop slurmd, slurmctld, slurmdbd, MariaDB and munged
#   stop.sh --slurm-only  stop only the three Slurm daemons (used by start.sh)
# Running job steps (slurmstepd) are left alone; state is kept on disk.
set -uo pipefail

slurm_only=0
[ "${1:-}" = "--slurm-only" ] && slurm_only=1

# stop_daemon NAME PIDFILE: SIGTERM the daemon (pid file first, else the
# process whose command name is exactly NAME), SIGKILL after 20 s.
stop_daemon() {
    local name=$1 pidfile=$2 pids="" p
    if [ -r "$pidfile" ]; then
        p=$(cat "$pidfile" 2>/dev/null || true)
        if [ -n "$p" ] && [ "$(cat /proc/"$p"/comm 2>/dev/null)" = "$name" ]; then
            pids=$p
        fi
    fi
    [ -n "$pids" ] || pids=$(pgrep -x "$name" || true)
    if [ -z "$pids" ]; then
        rm -f "$pidfile"
        return 0
    fi
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 1 40); do
        local alive=""
        for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ -z "$alive" ] && break
        sleep 0.5
    done
    for p in $pids; do
        if kill -0 "$p" 2>/dev/null; then
            echo "stop.sh: $name ($p) ignored SIGTERM, killing" >&2
            kill -KILL "$p" 2>/dev/null || true
        fi
    done
    rm -f "$pidfile"
    echo "stop.sh: stopped $name"
}

stop_daemon slurmd    /run/slurmd.pid
stop_daemon slurmctld /run/slurmctld.pid
stop_daemon slurmdbd  /run/slurmdbd.pid

if [ "$slurm_only" -eq 0 ]; then
    if mysqladmin --protocol=socket -uroot ping >/dev/null 2>&1; then
        # mysqld_safe exits by itself once the server shuts down cleanly.
        mysqladmin --protocol=socket -uroot shutdown && echo "stop.sh: stopped mariadb"
    fi
    stop_daemon munged /run/munge/munged.pid
fi
exit 0
