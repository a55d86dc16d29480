#!/usr/bin/env bash
# tests/slurm/cluster.sh -- a throwaway single-node Slurm cluster for tests.
#
# Starts munged, slurmctld and slurmd on this machine, as root, without
# systemd and without touching /etc/slurm, /etc/munge, /run/munge or
# /var/spool: every file (slurm.conf, munge key and socket, state, spool,
# logs, pid files) lives under the directory given as the second argument,
# and the daemons listen on free TCP ports picked at start.
#
# Usage:
#   tests/slurm/cluster.sh start DIR   # start (or reuse) the cluster in DIR,
#                                      # wait until the node is idle, then print
#                                      # `export ...` lines for clients on stdout
#   tests/slurm/cluster.sh stop DIR    # cancel jobs, stop the three daemons
#                                      # (by their pid files) and wait for them
#   tests/slurm/cluster.sh status DIR  # exit 0 if all three daemons run
#
# Typical use in a test:
#   eval "$(tests/slurm/cluster.sh start "$tmp/slurm")"
#   sbatch --wait job.sh ...
#   tests/slurm/cluster.sh stop "$tmp/slurm"
#
# Needs the Debian (12, Slurm 22.05) packages: munge slurmctld slurmd
# slurm-client (slurm-wlm-basic-plugins comes with them). For MPI jobs with
# `srun --mpi=pmix`, Slurm's mpi_pmix plugin dlopens
# /usr/lib/x86_64-linux-gnu/pmix2/lib/libpmix.so, which is in libpmix-dev
# (pulled in by libopenmpi-dev). Debian's Open MPI 4.1 works with
# `srun --mpi=pmix` only (not pmi2, not none). Tasks launched by srun need no
# OMPI_* variables, even as root (OMPI_ALLOW_RUN_AS_ROOT{,_CONFIRM}=1 are only
# for mpirun); sbatch/srun pass the caller's environment on (--export=ALL).
#
# The node is `hostname -s`, reached at 127.0.0.1; srun resolves that name
# itself, so it must resolve (e.g. via /etc/hosts).
# Diagnostics go to stderr; only the export lines go to stdout.

set -euo pipefail

WAIT_SECS=${SLURM_TEST_WAIT_SECS:-30}

die() { echo "cluster.sh: error: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

usage() {
    echo "usage: $0 {start|stop|status} DIR" >&2
    exit 2
}

[ $# -eq 2 ] || usage
cmd=$1
[ -n "$2" ] || usage
case "$cmd" in
start) mkdir -p "$2" ;;
*) [ -d "$2" ] || { [ "$cmd" = stop ] && exit 0; exit 1; } ;;
esac
DIR=$(cd "$2" && pwd -P)
case "$DIR" in *[[:space:]]*) die "DIR must not contain white space (slurm.conf paths): $DIR" ;; esac

CONF=$DIR/etc/slurm.conf
MUNGE_DIR=$DIR/munge
MUNGE_SOCKET=$MUNGE_DIR/munge.socket.2
MUNGE_PID=$MUNGE_DIR/munged.pid
CTLD_PID=$DIR/run/slurmctld.pid
SLURMD_PID=$DIR/run/slurmd.pid
LOG_DIR=$DIR/log

NODE=$(hostname -s)

export SLURM_CONF=$CONF

# daemon_pid FILE NAME: print the pid in FILE if that process runs and is
# NAME (a stale pid file from an earlier boot may name an unrelated process).
daemon_pid() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(tr -dc '0-9' <"$1")
    [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ] || return 1
    running "$pid" || return 1
    echo "$pid"
}

pid_alive() { daemon_pid "$1" "$2" >/dev/null; }

all_alive() {
    pid_alive "$MUNGE_PID" munged && pid_alive "$CTLD_PID" slurmctld &&
        pid_alive "$SLURMD_PID" slurmd
}

# Ports some socket on this machine listens on (TCP, v4 and v6), one a line.
listening_ports() {
    local hex
    # Field 2 is local "ADDR:PORT" in hex, field 4 the state (0A = LISTEN).
    # (mawk, Debian's awk, has no strtonum: convert in bash.)
    for hex in $(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
                 awk 'NR > 1 && $4 == "0A" { n = split($2, a, ":"); print a[n] }'); do
        echo $((16#$hex))
    done
}

# free_port EXCLUDE...: a TCP port nothing listens on, not in EXCLUDE.
free_port() {
    local used port i
    used=" $(listening_ports | tr '\n' ' ') $* "
    for i in $(seq 1 200); do
        port=$((20000 + RANDOM % 12000))   # below the usual ephemeral range
        case "$used" in *" $port "*) continue ;; esac
        echo "$port"
        return 0
    done
    die "found no free TCP port"
}

tail_logs() {
    local f
    for f in "$LOG_DIR"/munged.log "$LOG_DIR"/slurmctld.log "$LOG_DIR"/slurmd.log \
             "$LOG_DIR"/munged.out "$LOG_DIR"/slurmctld.out "$LOG_DIR"/slurmd.out; do
        [ -s "$f" ] || continue
        echo "---- tail of $f ----" >&2
        tail -n 25 "$f" >&2
    done
}

print_env() {
    echo "export SLURM_CONF=$CONF"
    # libmunge has no environment variable for its socket: Slurm clients read
    # it from AuthInfo in slurm.conf; the munge/unmunge tools need --socket.
    echo "export SLURM_TEST_MUNGE_SOCKET=$MUNGE_SOCKET"
}

# node_state: state of our node as sinfo sees it ("idle", "mixed", "down*"...).
node_state() {
    timeout 10 sinfo -h -N -n "$NODE" -o '%T' 2>/dev/null | head -n1 || true
}

# running PID: the process exists and is not a zombie (PID 1 here may be
# slow to reap daemons that exited).
running() {
    local st
    st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# stop_pidfile NAME FILE: TERM the process, wait (bounded), then KILL.
stop_pidfile() {
    local name=$1 file=$2 pid i
    if pid=$(daemon_pid "$file" "$name"); then
        kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 100); do
            running "$pid" || break
            sleep 0.1
        done
        if running "$pid"; then
            log "$name (pid $pid) did not exit on SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            for i in $(seq 1 50); do
                running "$pid" || break
                sleep 0.1
            done
        fi
    fi
    rm -f "$file"
}

# Job step daemons of this cluster (they carry our SLURM_CONF in their
# environment, inherited from slurmd).
our_stepds() {
    local p
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || continue
        if tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qxF "SLURM_CONF=$CONF"; then
            echo "${p#/proc/}"
        fi
    done
}

do_stop() {
    local i pids
    if pid_alive "$CTLD_PID" slurmctld && [ -f "$CONF" ]; then
        # Cancel whatever is still queued or running, so no step daemon and
        # no task outlives the cluster.
        pids=$(timeout 10 squeue -h -o '%i' 2>/dev/null || true)
        if [ -n "$pids" ]; then
            # shellcheck disable=SC2086
            timeout 10 scancel $pids 2>/dev/null || true
            for i in $(seq 1 50); do
                [ -z "$(timeout 10 squeue -h -o '%i' 2>/dev/null || true)" ] && break
                sleep 0.2
            done
        fi
    fi
    stop_pidfile slurmd "$SLURMD_PID"
    stop_pidfile slurmctld "$CTLD_PID"
    pids=$(our_stepds)
    if [ -n "$pids" ]; then
        log "killing leftover slurmstepd: $pids"
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
    fi
    stop_pidfile munged "$MUNGE_PID"
    rm -f "$MUNGE_SOCKET" "$MUNGE_SOCKET.lock"
}

write_config() {
    local ctld_port slurmd_port cpus boards sockets cores threads mem line
    ctld_port=$(free_port)
    slurmd_port=$(free_port "$ctld_port")

    # The node's real hardware, as slurmd itself will report it (a config
    # that claims more than slurmd finds makes the node INVALID/drained).
    line=$(slurmd -C 2>/dev/null | head -n1 || true)
    val() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
    cpus=$(val CPUs); boards=$(val Boards); sockets=$(val SocketsPerBoard)
    cores=$(val CoresPerSocket); threads=$(val ThreadsPerCore); mem=$(val RealMemory)
    local hw
    if [ -n "$cpus" ] && [ -n "$sockets" ] && [ -n "$cores" ] && [ -n "$threads" ] && [ -n "$mem" ]; then
        hw="CPUs=$cpus Boards=${boards:-1} SocketsPerBoard=$sockets CoresPerSocket=$cores ThreadsPerCore=$threads RealMemory=$mem"
    else
        cpus=$(nproc)
        mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
        hw="CPUs=$cpus RealMemory=$mem"
    fi

    mkdir -p "$DIR/etc"
    cat >"$CONF" <<EOF
# Generated by tests/slurm/cluster.sh; throwaway single-node cluster.
ClusterName=wasmpreptest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET

StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info

# No cgroups, no accounting.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
# Limits of the submitting shell (e.g. a large memlock) are not forced on tasks.
PropagateResourceLimits=NONE

SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=300
MailProg=/bin/true

NodeName=$NODE NodeHostname=$NODE NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    # Read from beside slurm.conf: keep the PMIx plugin's per-job
    # directories inside DIR too (the default is /tmp).
    mkdir -p "$DIR/tmp/pmix"
    echo "PMIxCliTmpDirBase=$DIR/tmp/pmix" >"$DIR/etc/mpi.conf"
}

do_start() {
    local t0 i state key deadline
    t0=$(date +%s)

    if all_alive && [ -f "$CONF" ] &&
        [[ "$(node_state)" =~ ^(idle|mixed|allocated|completing)$ ]]; then
        log "cluster in $DIR already running"
        print_env
        return 0
    fi
    # Partly running, or stale: start over.
    do_stop

    command -v munged >/dev/null || die "munged not found (apt-get install munge)"
    command -v slurmctld >/dev/null || die "slurmctld not found (apt-get install slurmctld)"
    command -v slurmd >/dev/null || die "slurmd not found (apt-get install slurmd)"
    command -v sinfo >/dev/null || die "sinfo not found (apt-get install slurm-client)"

    getent hosts "$NODE" >/dev/null ||
        log "warning: host name '$NODE' does not resolve; srun will fail (add it to /etc/hosts)"

    # munged refuses group/other-writable directories on its paths.
    chmod go-w "$DIR"
    mkdir -p "$MUNGE_DIR" "$DIR/run" "$LOG_DIR" "$DIR/state" "$DIR/spool/slurmd"
    chmod 755 "$MUNGE_DIR"   # clients need search permission to reach the socket
    rm -rf "${DIR:?}/state/"* "${DIR:?}/spool/slurmd/"* "${DIR:?}/tmp/pmix" \
        "$LOG_DIR"/*.log "$LOG_DIR"/*.out

    key=$MUNGE_DIR/munge.key
    if [ ! -s "$key" ]; then
        if command -v mungekey >/dev/null; then
            mungekey --create --keyfile="$key" >/dev/null 2>&1 ||
                dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
        else
            dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
        fi
        chmod 400 "$key"
    fi

    write_config

    # --force: let munged start even if a parent directory of DIR has
    # permissions it calls insecure (e.g. a group-writable TMPDIR).
    munged --force \
        --key-file="$key" \
        --socket="$MUNGE_SOCKET" \
        --pid-file="$MUNGE_PID" \
        --log-file="$LOG_DIR/munged.log" \
        --seed-file="$MUNGE_DIR/munged.seed" \
        >"$LOG_DIR/munged.out" 2>&1 ||
        { tail_logs; die "munged failed to start"; }
    for i in $(seq 1 50); do
        [ -S "$MUNGE_SOCKET" ] && break
        sleep 0.1
    done
    [ -S "$MUNGE_SOCKET" ] || { tail_logs; die "munged socket $MUNGE_SOCKET did not appear"; }

    # -c: start from a clean state (a previous run in DIR may have used other
    # ports). -i: ignore errors in state files.
    slurmctld -c -i >"$LOG_DIR/slurmctld.out" 2>&1 ||
        { tail_logs; die "slurmctld failed to start"; }
    slurmd -N "$NODE" >"$LOG_DIR/slurmd.out" 2>&1 ||
        { tail_logs; die "slurmd failed to start"; }

    state=
    i=0
    deadline=$(($(date +%s) + WAIT_SECS))
    while [ "$(date +%s)" -lt "$deadline" ]; do
        state=$(node_state)
        [ "$state" = idle ] && break
        i=$((i + 1))
        if ! pid_alive "$CTLD_PID" slurmctld && [ "$i" -gt 4 ]; then break; fi
        sleep 0.5
    done
    if [ "$state" != idle ]; then
        tail_logs
        pid_alive "$MUNGE_PID" munged || log "munged is not running"
        pid_alive "$CTLD_PID" slurmctld || log "slurmctld is not running"
        pid_alive "$SLURMD_PID" slurmd || log "slurmd is not running"
        do_stop
        die "node $NODE not idle after ${WAIT_SECS}s (last state: '${state:-none}'); logs above"
    fi
    log "cluster up in $DIR after $(($(date +%s) - t0))s (node $NODE idle)"
    print_env
}

case "$cmd" in
start) do_start ;;
stop)  do_stop ;;
status) all_alive ;;
*) usage ;;
esac
