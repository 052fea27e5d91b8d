#!/usr/bin/env bash
# Sets up a Debian board for the ComboPay terminal: packages, the pos-terminal system user and
# its device groups, its directories, the config (from systemd/config.example.json, only when
# there is none), the systemd units and udev rules, and enables pos-terminal.service.
#
# Idempotent: every step first looks at what is there and changes only what differs, so a
# second run changes nothing and ends with "unchanged". An existing config or defaults file is
# never overwritten.
#
# Node.js (>= 20.19) is not installed here: Debian's nodejs is too old, so install it from
# NodeSource (https://github.com/nodesource/distributions) or a tarball first; this script only
# warns when it is missing. Neither is the application itself (the units' ExecStart).
#
# Every command that changes the live system (apt-get, useradd, usermod, chown, systemctl,
# udevadm) is called by name through PATH and nothing else, so a test can put stub commands
# first on PATH and run this script unmodified in a throwaway --root.
set -euo pipefail

readonly SERVICE_USER=pos-terminal
readonly DEVICE_GROUPS=(dialout input lp gpio) # gpio only where the board has such a group
readonly UNITS=(pos-terminal.service pos-console@.service)
readonly RULES=(99-pos-devices.rules)

usage() {
  cat <<'EOF'
usage: install-board.sh [--root DIR] [--source DIR] [--skip-packages] [--help]

Sets up this Debian board for the ComboPay terminal (run as root). Safe to run again: only
what differs is changed, and a run that changes nothing prints "unchanged".

  --root DIR       install files under DIR instead of / (also env POS_INSTALL_ROOT). The
                   system commands (apt-get, useradd, usermod, chown, systemctl, udevadm)
                   still act on this machine: meant for tests with stub commands on PATH
  --source DIR     where the units, udev rules, pos-terminal.default and
                   config.example.json are (default: the repository's systemd/)
  --skip-packages  do not check or install the Debian packages
  --help           this text

Installs: packages pcscd libccid socat fonts-wqy-microhei and fbterm or kmscon (the one
pos-terminal.service runs); user pos-terminal (groups dialout input lp, gpio if present);
/etc/pos-terminal (0750) with config.json (0640) from config.example.json if absent;
/var/lib/pos-terminal (0700); /etc/default/pos-terminal if absent; the units in
/etc/systemd/system and the udev rules in /etc/udev/rules.d; enables pos-terminal.service.
Node.js >= 20.19 must come from NodeSource (not installed here; a warning if missing).
EOF
}

ROOT="${POS_INSTALL_ROOT:-}"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/systemd"
INSTALL_PACKAGES=1
while (($# > 0)); do
  case "$1" in
    --root)
      [[ $# -ge 2 ]] || { echo "install-board: --root needs a directory" >&2; exit 2; }
      ROOT="$2"
      shift 2
      ;;
    --root=*) ROOT="${1#--root=}"; shift ;;
    --source)
      [[ $# -ge 2 ]] || { echo "install-board: --source needs a directory" >&2; exit 2; }
      SOURCE="$2"
      shift 2
      ;;
    --source=*) SOURCE="${1#--source=}"; shift ;;
    --skip-packages) INSTALL_PACKAGES=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-board: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
ROOT="${ROOT%/}" # "/" and "" both mean the live system

CHANGED=0
say() { echo "install-board: $*"; }
changed() { CHANGED=1; say "$*"; }
die() { echo "install-board: $*" >&2; exit 1; }

# The one way this script runs a command that changes the system: shown, then run.
run() {
  say "+ $*"
  "$@"
}

for file in "${UNITS[@]}" "${RULES[@]}" pos-terminal.default config.example.json; do
  [[ -f "$SOURCE/$file" ]] || die "$SOURCE/$file is missing (is --source the systemd/ directory?)"
done

# --- packages ----------------------------------------------------------------------------------

# The CJK console the unit's ExecStart runs the UI in; without fbterm there, kmscon is meant to
# be tty1's console.
console_package() {
  if grep -Eq '^ExecStart=.*fbterm' "$SOURCE/pos-terminal.service"; then
    echo fbterm
  else
    echo kmscon
  fi
}

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

install_packages() {
  local wanted=(pcscd libccid socat fonts-wqy-microhei "$(console_package)")
  local missing=()
  local package
  for package in "${wanted[@]}"; do
    is_installed "$package" || missing+=("$package")
  done
  if ((${#missing[@]} == 0)); then
    say "packages: unchanged (${wanted[*]})"
    return
  fi
  changed "packages: installing ${missing[*]}"
  run env DEBIAN_FRONTEND=noninteractive apt-get update -q
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

check_node() {
  local version
  if ! version="$(node -p 'process.versions.node' 2>/dev/null)"; then
    say "warning: node not found; install Node.js >= 20.19 from NodeSource before starting"
    return
  fi
  local major="${version%%.*}" rest="${version#*.}"
  local minor="${rest%%.*}"
  if ((major < 20 || (major == 20 && minor < 19))); then
    say "warning: node $version is too old; install Node.js >= 20.19 from NodeSource"
  else
    say "node: $version"
  fi
}

# --- user and groups ---------------------------------------------------------------------------

ensure_user() {
  if getent passwd "$SERVICE_USER" >/dev/null; then
    say "user $SERVICE_USER: unchanged"
  else
    changed "user $SERVICE_USER: creating"
    run useradd --system --user-group --home-dir /var/lib/pos-terminal --no-create-home \
      --shell /usr/sbin/nologin --comment "ComboPay terminal" "$SERVICE_USER"
  fi
  local group line members
  local missing=()
  for group in "${DEVICE_GROUPS[@]}"; do
    if ! line="$(getent group "$group")"; then
      say "group $group: not on this board, skipped"
      continue
    fi
    members="${line##*:}"
    [[ ",$members," == *",$SERVICE_USER,"* ]] || missing+=("$group")
  done
  if ((${#missing[@]} == 0)); then
    say "groups of $SERVICE_USER: unchanged"
  else
    local joined
    joined="$(IFS=,; echo "${missing[*]}")"
    changed "groups of $SERVICE_USER: adding $joined"
    run usermod --append --groups "$joined" "$SERVICE_USER"
  fi
}

# --- files -------------------------------------------------------------------------------------

# Gives PATH (under ROOT) the mode and owner wanted, changing only what differs.
ensure_mode_owner() {
  local path="$1" mode="$2" owner="$3"
  local current
  current="$(stat -c '%a' "$path")"
  if [[ "$current" != "${mode#0}" ]]; then
    changed "$path: mode $current -> $mode"
    chmod "$mode" "$path"
  fi
  current="$(stat -c '%U:%G' "$path")"
  if [[ "$current" != "$owner" ]]; then
    changed "$path: owner $current -> $owner"
    run chown "$owner" "$path"
  fi
}

ensure_dir() {
  local path="$ROOT$1"
  if [[ -d "$path" ]]; then
    say "$1: exists"
  else
    changed "$1: creating"
    mkdir -p "$path"
  fi
  ensure_mode_owner "$path" "$2" "$3"
}

# A file the technician edits: installed when absent, never overwritten.
ensure_kept_file() {
  local source="$1" target="$2" mode="$3" owner="$4"
  local path="$ROOT$target"
  if [[ -e "$path" ]]; then
    if cmp -s "$source" "$path"; then
      say "$target: unchanged"
    else
      say "$target: exists and differs from $(basename "$source"), kept as it is"
    fi
  else
    changed "$target: created from $(basename "$source")"
    mkdir -p "$(dirname "$path")"
    cp "$source" "$path"
  fi
  ensure_mode_owner "$path" "$mode" "$owner"
}

# A file this package owns: replaced when it differs. Returns 0 when it changed.
sync_file() {
  local source="$1" target="$2"
  local path="$ROOT$target"
  if [[ -f "$path" ]] && cmp -s "$source" "$path"; then
    say "$target: unchanged"
    ensure_mode_owner "$path" 0644 root:root
    return 1
  fi
  if [[ -e "$path" ]]; then changed "$target: updated"; else changed "$target: installed"; fi
  mkdir -p "$(dirname "$path")"
  # Write beside it and rename, so systemd or udev never read half a file.
  cp "$source" "$path.pos-install"
  chmod 0644 "$path.pos-install"
  mv -f "$path.pos-install" "$path"
  ensure_mode_owner "$path" 0644 root:root
  return 0
}

# --- main --------------------------------------------------------------------------------------

if ((INSTALL_PACKAGES)); then install_packages; else say "packages: skipped (--skip-packages)"; fi
check_node
ensure_user

ensure_dir /etc/pos-terminal 0750 "root:$SERVICE_USER"
ensure_dir /var/lib/pos-terminal 0700 "$SERVICE_USER:$SERVICE_USER"
ensure_kept_file "$SOURCE/config.example.json" /etc/pos-terminal/config.json 0640 \
  "root:$SERVICE_USER"
ensure_kept_file "$SOURCE/pos-terminal.default" /etc/default/pos-terminal 0644 root:root

units_changed=0
for unit in "${UNITS[@]}"; do
  if sync_file "$SOURCE/$unit" "/etc/systemd/system/$unit"; then units_changed=1; fi
done
rules_changed=0
for rule in "${RULES[@]}"; do
  if sync_file "$SOURCE/$rule" "/etc/udev/rules.d/$rule"; then rules_changed=1; fi
done

if ((units_changed)); then run systemctl daemon-reload; fi
if ((rules_changed)); then
  run udevadm control --reload
  # Apply the new names to the devices plugged in now, not only at the next plug or boot.
  run udevadm trigger --action=change --subsystem-match=tty --subsystem-match=input \
    --subsystem-match=usbmisc
fi
if systemctl is-enabled --quiet pos-terminal.service; then
  say "pos-terminal.service: enabled, unchanged"
else
  changed "pos-terminal.service: enabling"
  run systemctl enable pos-terminal.service
fi

if ((CHANGED)); then
  say "done. Next: put the terminal key in the file named by terminalKeyFile (mode 0600,"
  say "owner $SERVICE_USER), edit /etc/pos-terminal/config.json (terminalId, host.url,"
  say "supervisorPasswordHash from 'npm run -s terminal:hash-password'), check it with"
  say "'pos-terminal --check', then: systemctl start pos-terminal.service"
else
  say "unchanged"
fi
