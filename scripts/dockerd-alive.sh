# Sourced by setup.sh (and its test): whether a pid file names a running dockerd, read with bash builtins only (every
# process bin/dockube starts before node delays the server's start).
# usage: dockerd_alive PIDFILE
dockerd_alive() {
  local pid='' comm='' state=''
  # dockerd writes its pid without a newline: read then reports end of file after filling the variable.
  read -r pid 2>/dev/null <"$1" || [ -n "$pid" ] || return 1
  case "$pid" in '' | *[!0-9]*) return 1 ;; esac
  # /proc/PID/stat: "PID (comm) state ..."; a killed daemon not yet reaped is still a dockerd, in state Z.
  read -r _ comm state _ 2>/dev/null <"/proc/$pid/stat" || [ -n "$state" ] || return 1
  [ "$comm" = "(dockerd)" ] && [ "$state" != Z ]
}
