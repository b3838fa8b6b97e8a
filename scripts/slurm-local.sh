#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the Slurm tests and for
# trying `report --executor slurm` without a real cluster. Needs Debian's
# slurm-wlm and munge packages (installs nothing itself) and root; no systemd.
#
#   scripts/slurm-local.sh start   write /etc/slurm/slurm.conf for this host, start munged,
#                                  slurmctld and slurmd, wait until the node is idle
#   scripts/slurm-local.sh stop    stop exactly the daemons `start` started (by pid)
#   scripts/slurm-local.sh status  sinfo
set -euo pipefail

state=/var/lib/hw2-slurm
conf=/etc/slurm/slurm.conf
marker="# written by scripts/slurm-local.sh"

need() { command -v "$1" >/dev/null || { echo "slurm-local: $1 not found; apt-get install -y slurm-wlm munge" >&2; exit 1; }; }

start() {
  need munged; need slurmctld; need slurmd; need sinfo
  [ "$(id -u)" = 0 ] || { echo "slurm-local: run as root (the daemons run as root here)" >&2; exit 1; }
  if [ -f "$state/slurmctld.pid" ] && kill -0 "$(cat "$state/slurmctld.pid")" 2>/dev/null \
     && sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
    echo "slurm-local: already running"; sinfo; return 0
  fi
  if [ -f "$conf" ] && ! grep -qF "$marker" "$conf"; then
    echo "slurm-local: $conf exists and was not written by this script; not touching a real cluster's configuration" >&2
    exit 1
  fi
  local host cpus memory
  host=$(hostname -s)
  cpus=$(nproc)
  memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
  mkdir -p "$state/state" "$state/spool" /etc/slurm /run/munge /var/log/munge /var/lib/munge
  cat > "$conf" <<CONF
$marker
ClusterName=hw2local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$state/state
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
KillWait=10
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  chmod 0400 /etc/munge/munge.key
  if ! pgrep -x munged >/dev/null; then
    runuser -u munge -- munged --pid-file=/run/munge/munged.pid
    cp /run/munge/munged.pid "$state/munged.pid"
  fi
  slurmctld -f "$conf"
  slurmd -f "$conf"
  for _ in $(seq 1 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qx idle; then
      echo "slurm-local: node $host idle ($cpus CPUs, ${memory} MB); stop with: $0 stop"
      return 0
    fi
    sleep 1
  done
  echo "slurm-local: the node did not become idle in 60 s; see $state/slurmctld.log and $state/slurmd.log" >&2
  sinfo >&2 || true
  exit 1
}

stop() {
  for daemon in slurmd slurmctld munged; do
    local pidfile="$state/$daemon.pid"
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  echo "slurm-local: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
