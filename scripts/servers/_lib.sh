# _lib.sh - helpers shared by the scripts/servers/*.sh scripts (sourced, not run).

# true if PID is alive; a zombie counts as dead (some inits reap orphaned daemons
# a second or two late, so `kill -0` stays true after the daemon has exited)
running() {
  local st
  st=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

# wait_banner PORT PREFIX [PID]: wait (up to ~15 s) until 127.0.0.1:PORT greets with a
# line starting with PREFIX; gives up early when PID (the server) has died
wait_banner() {
  local line
  for _ in $(seq 1 150); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
      line=""; read -r -t 2 line <&3 || true
      exec 3>&- 3<&-
      [[ "$line" == "$2"* ]] && return 0
    fi
    [ -n "${3:-}" ] && ! running "$3" && return 1
    sleep 0.1
  done
  return 1
}

# apt_install PKG...: install Debian packages (only called when they are missing)
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" != 0 ]; then
    echo "installing $* needs root (apt-get); run as root or install them first" >&2
    return 1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2fs", b-a}'; }
