#!/usr/bin/env bash
# Sets up a Debian board for the ComboPay terminal: packages, the pos-terminal system user and
# its device groups, its directories, the config (from systemd/config.example.json, only when
# there is none), the systemd units and udev rules and the documentation they point to, enables
# pos-terminal.service and, with --app DIR, installs the application itself: the built tree
# (package.json, package-lock.json, dist/, node_modules/) to /usr/local/lib/combopay, owned by
# root, with the commands pos-terminal, pos-console and pos-host linked in /usr/local/bin.
#
# Idempotent: every step first looks at what is there and changes only what differs, so a
# second run changes nothing and ends with "unchanged". An existing config or defaults file is
# never overwritten. The application is compared file by file (sha256) and only what differs is
# copied (each file written beside its place and renamed over it) or removed.
#
# Node.js (>= 20.19) is not installed here: Debian's nodejs is too old, so install it from
# NodeSource (https://github.com/nodesource/distributions) or a tarball first; this script only
# warns when it is missing. The application is installed only from a tree built beforehand
# (npm ci, which builds dist/, then npm prune --omit=dev) on a machine of the board's
# architecture, node_modules holding native modules: nothing is compiled or downloaded here.
# Without --app the installed application is left as it is. A changed application restarts
# pos-terminal.service (and pos-console@*.service) at the end, only if they are running.
#
# Every command that changes the live system (apt-get, useradd, usermod, chown, systemctl,
# udevadm) is called by name through PATH and nothing else, so a test can put stub commands
# first on PATH and run this script unmodified in a throwaway --root.
set -euo pipefail

readonly SERVICE_USER=pos-terminal
readonly DEVICE_GROUPS=(dialout input lp gpio) # gpio only where the board has such a group
readonly UNITS=(pos-terminal.service pos-console@.service)
readonly RULES=(99-pos-devices.rules)
readonly APP_DIR=/usr/local/lib/combopay
# What of an --app tree is installed; anything else there (src/, .git, tests) is not.
readonly APP_PARTS=(package.json package-lock.json dist node_modules)
# The commands in /usr/local/bin: name, and the file in APP_DIR the link points to.
readonly APP_COMMANDS=(
  pos-terminal:dist/src/terminal/main.js
  pos-console:dist/src/terminal/console/main.js
  pos-host:dist/src/host/cli/main.js
)
readonly DOC_DIR=/usr/local/share/doc/pos-terminal

usage() {
  cat <<'EOF'
usage: install-board.sh [--root DIR] [--source DIR] [--app DIR] [--skip-packages] [--help]

Sets up this Debian board for the ComboPay terminal (run as root). Safe to run again: only
what differs is changed, and a run that changes nothing prints "unchanged".

  --root DIR       install files under DIR instead of / (also env POS_INSTALL_ROOT). The
                   system commands (apt-get, useradd, usermod, chown, systemctl, udevadm)
                   still act on this machine: meant for tests with stub commands on PATH
  --source DIR     where the units, udev rules, pos-terminal.default,
                   config.example.json and README.md are (default: the repository's
                   systemd/); docs/configuration.md is taken from beside it
  --app DIR        install the application from DIR, a built tree: package.json,
                   package-lock.json, dist/ and node_modules/ with the production
                   dependencies, made on this architecture (npm ci, which builds dist/,
                   then npm prune --omit=dev). Only those are copied, and only what
                   differs; a changed application restarts pos-terminal.service (and
                   pos-console@*.service) if running. Without --app the installed
                   application is left as it is
  --skip-packages  do not check or install the Debian packages
  --help           this text

Installs: packages pcscd libccid socat fonts-wqy-microhei and fbterm or kmscon (the one
pos-terminal.service runs); user pos-terminal (groups dialout input lp, gpio if present);
/etc/pos-terminal (1770) with config.json (0600, the service's) from config.example.json if absent;
/var/lib/pos-terminal (0700); /etc/default/pos-terminal if absent; the units in
/etc/systemd/system and the udev rules in /etc/udev/rules.d; the documentation in
/usr/local/share/doc/pos-terminal; enables pos-terminal.service. With --app: the application
in /usr/local/lib/combopay (root's, 0755/0644) and the links pos-terminal, pos-console and
pos-host in /usr/local/bin.
Node.js >= 20.19 must come from NodeSource (not installed here; a warning if missing).
EOF
}

ROOT="${POS_INSTALL_ROOT:-}"
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/systemd"
APP=""
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
    --app)
      [[ $# -ge 2 ]] || { echo "install-board: --app needs a directory" >&2; exit 2; }
      APP="$2"
      shift 2
      ;;
    --app=*) APP="${1#--app=}"; shift ;;
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

# --- the application's tree, checked before anything changes ---------------------------------

refuse_app() {
  echo "install-board: --app $APP: $* (nothing changed)" >&2
  exit 2
}

check_app() {
  [[ -d "$APP" ]] || refuse_app "not a directory"
  APP="$(cd "$APP" && pwd)"
  if ! [[ -f "$APP/package.json" ]] || ! grep -Eq '"name": *"combopay"' "$APP/package.json"; then
    refuse_app "no package.json of combopay (is it the application's directory?)"
  fi
  [[ -d "$APP/node_modules" ]] ||
    refuse_app "no node_modules/ (npm ci, then npm prune --omit=dev, on this architecture)"
  local command file
  for command in "${APP_COMMANDS[@]}"; do
    file="${command#*:}"
    [[ -f "$APP/$file" ]] || refuse_app "no $file (build it: npm run build)"
    [[ -x "$APP/$file" ]] || refuse_app "$file is not executable (npm run build makes it so)"
  done
  local parts=() part odd
  for part in "${APP_PARTS[@]}"; do [[ -e "$APP/$part" ]] && parts+=("$part"); done
  # The lists compared below are lines of "path<TAB>what": no such names, and only files,
  # directories and symbolic links.
  odd="$(cd "$APP" && find -H "${parts[@]}" \( -name $'*\n*' -o -name $'*\t*' -o -lname $'*\n*' \
    -o \( ! -type f ! -type d ! -type l \) \) -print -quit)"
  [[ -z "$odd" ]] || refuse_app "cannot install $odd (a name with a newline or tab, or not a file)"
}

if [[ -n "$APP" ]]; then check_app; fi

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

# --- the application -----------------------------------------------------------------------

# Lines "<sha256>  <path>" (sha256sum -z: names unescaped) as "<path><TAB>f MODE <sha256>".
hashed() {
  local mode="$1"
  shift
  find -H "$@" -printf '%p\0' | xargs -0r sha256sum -z -- | tr '\0' '\n' |
    sed -E "s/^([0-9a-f]{64})  (.*)\$/\\2\tf $mode \\1/"
}

# What is in a tree, one sorted line per entry: "path<TAB>d MODE", "path<TAB>f MODE sha256" or
# "path<TAB>l TARGET". For the --app tree (source) only its APP_PARTS, with the modes to
# install: 755 for directories and executable files, 644 for the others. For the installed
# tree, everything in it with its modes as they are; a mode other than those two reads "odd",
# so that entry differs and is installed again.
app_manifest() {
  local dir="$1" as="$2"
  [[ -d "$dir" ]] || return 0
  (
    cd "$dir"
    if [[ "$as" == source ]]; then
      local parts=() part
      for part in "${APP_PARTS[@]}"; do [[ -e "$part" ]] && parts+=("$part"); done
      find -H "${parts[@]}" -type d -printf '%p\td 755\n'
      hashed 755 "${parts[@]}" -type f -perm -u+x
      hashed 644 "${parts[@]}" -type f ! -perm -u+x
      find -H "${parts[@]}" -type l -printf '%p\tl %l\n'
    else
      find . -mindepth 1 -type d -printf '%P\td %m\n'
      hashed 755 . -mindepth 1 -type f -perm 755
      hashed 644 . -mindepth 1 -type f -perm 644
      find . -mindepth 1 \( -type f ! -perm 644 ! -perm 755 \) -printf '%P\tf odd\n'
      find . -mindepth 1 ! -type f ! -type d ! -type l -printf '%P\t? odd\n'
      find . -mindepth 1 -type l -printf '%P\tl %l\n'
    fi
  ) | sed 's|^\./||' | LC_ALL=C sort
}

# Puts one entry of the --app tree in place under TARGET: a directory is made (its contents
# follow, the list being sorted), a file or link is written beside its place and renamed over
# it, so the running terminal never reads half a file. What is there of another kind goes.
install_app_entry() {
  local target="$1" path="$2" entry="$3"
  local place="$target/$path"
  local kind="${entry%% *}"
  if [[ "$kind" == d ]]; then
    if [[ -L "$place" || (-e "$place" && ! -d "$place") ]]; then rm -f -- "$place"; fi
    mkdir -p -- "$place"
    chmod 0755 -- "$place"
    return
  fi
  if [[ -d "$place" && ! -L "$place" ]]; then rm -rf -- "$place"; fi
  rm -f -- "$place.pos-install"
  if [[ "$kind" == l ]]; then
    ln -s -- "${entry#l }" "$place.pos-install"
  else
    local mode="${entry#f }"
    install -m "0${mode%% *}" -- "$APP/$path" "$place.pos-install"
  fi
  mv -fT -- "$place.pos-install" "$place"
}

# Makes APP_DIR hold what the --app tree holds, touching only what differs. Returns 0 when
# something changed.
sync_app() {
  local target="$ROOT$APP_DIR"
  ensure_dir "$APP_DIR" 0755 root:root
  local lists
  lists="$(mktemp -d)"
  # shellcheck disable=SC2064 # the directory is known now
  trap "rm -rf -- '$lists'" EXIT
  app_manifest "$APP" source >"$lists/wanted"
  app_manifest "$target" installed >"$lists/have"
  LC_ALL=C comm -23 "$lists/wanted" "$lists/have" >"$lists/install"
  LC_ALL=C comm -13 <(cut -f1 "$lists/wanted") <(cut -f1 "$lists/have") >"$lists/remove"
  local installs removes
  installs="$(wc -l <"$lists/install")"
  removes="$(wc -l <"$lists/remove")"
  if ((installs == 0 && removes == 0)); then
    say "$APP_DIR: unchanged (the same as $APP)"
    rm -rf -- "$lists"
    return 1
  fi
  changed "$APP_DIR: from $APP, $installs to install or update, $removes to remove"
  local old_umask path entry
  old_umask="$(umask)"
  umask 022
  while IFS= read -r path; do
    [[ -n "$path" ]] || continue # never the directory itself
    rm -rf -- "${target:?}/$path"
  done <"$lists/remove"
  while IFS=$'\t' read -r path entry; do
    [[ -n "$path" ]] || continue
    install_app_entry "$target" "$path" "$entry"
  done <"$lists/install"
  umask "$old_umask"
  rm -rf -- "$lists"
  return 0
}

# /usr/local/bin/NAME -> ../lib/combopay/FILE. Returns 0 when it changed.
ensure_command_link() {
  local name="$1" file="$2"
  local link="/usr/local/bin/$name" points_to="..${APP_DIR#/usr/local}/$file"
  local path="$ROOT$link"
  if [[ -L "$path" && "$(readlink -- "$path")" == "$points_to" ]]; then
    say "$link: unchanged"
    return 1
  fi
  [[ ! -d "$path" || -L "$path" ]] || die "$link is a directory"
  if [[ -L "$path" ]]; then
    changed "$link: -> $points_to (was -> $(readlink -- "$path"))"
  elif [[ -e "$path" ]]; then
    changed "$link: -> $points_to (replaces a file)"
  else
    changed "$link: -> $points_to"
  fi
  mkdir -p -- "$(dirname "$path")"
  rm -f -- "$path.pos-install"
  ln -s -- "$points_to" "$path.pos-install"
  mv -fT -- "$path.pos-install" "$path"
  return 0
}

# --- main --------------------------------------------------------------------------------------

if ((INSTALL_PACKAGES)); then install_packages; else say "packages: skipped (--skip-packages)"; fi
check_node
ensure_user

# The technician console's `config set` replaces config.json through a temporary file beside
# it, so the service's group may write the directory; the sticky bit keeps it from removing or
# replacing what it does not own (the terminal key, root's).
ensure_dir /etc/pos-terminal 1770 "root:$SERVICE_USER"
ensure_dir /var/lib/pos-terminal 0700 "$SERVICE_USER:$SERVICE_USER"
ensure_kept_file "$SOURCE/config.example.json" /etc/pos-terminal/config.json 0600 \
  "$SERVICE_USER:$SERVICE_USER"
ensure_kept_file "$SOURCE/pos-terminal.default" /etc/default/pos-terminal 0644 root:root

units_changed=0
for unit in "${UNITS[@]}"; do
  if sync_file "$SOURCE/$unit" "/etc/systemd/system/$unit"; then units_changed=1; fi
done
rules_changed=0
for rule in "${RULES[@]}"; do
  if sync_file "$SOURCE/$rule" "/etc/udev/rules.d/$rule"; then rules_changed=1; fi
done

# The documentation the units name (Documentation=), laid out as in the repository so that the
# links between the pages hold.
for doc in "$SOURCE/README.md:systemd/README.md" \
  "$SOURCE/config.example.json:systemd/config.example.json" \
  "$(dirname "$SOURCE")/docs/configuration.md:docs/configuration.md"; do
  if [[ -f "${doc%:*}" ]]; then
    sync_file "${doc%:*}" "$DOC_DIR/${doc##*:}" || true
  else
    say "$DOC_DIR/${doc##*:}: skipped, ${doc%:*} not found"
  fi
done

app_changed=0
if [[ -n "$APP" ]]; then
  if sync_app; then app_changed=1; fi
  for command in "${APP_COMMANDS[@]}"; do
    if ensure_command_link "${command%%:*}" "${command#*:}"; then app_changed=1; fi
  done
elif [[ -e "$ROOT/usr/local/bin/pos-terminal" ]]; then
  say "application: left as it is (no --app)"
else
  say "warning: application not installed (no --app): /usr/local/bin/pos-terminal, which the"
  say "units run, is missing; run again with --app DIR (see --help)"
fi

# Installing into an image or a chroot (systemd not running): enable works from the files
# alone; reloading and restarting are for a running system, and happen at its first boot.
live=1
case "${POS_INSTALL_SYSTEMD_RUNNING:-auto}" in
  0) live=0 ;;
  1) live=1 ;;
  *) [[ -d /run/systemd/system ]] || live=0 ;;
esac
if ((!live)); then say "systemd is not running here: no reload or restart (they come at boot)"; fi
if ((units_changed && live)); then run systemctl daemon-reload; fi
if ((rules_changed && live)); then
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
# The new code runs only once restarted; try-restart leaves stopped units stopped.
if ((app_changed && live)); then
  run systemctl try-restart pos-terminal.service 'pos-console@*.service'
fi

if ((CHANGED)); then
  say "done. Next: put the terminal key in the file named by terminalKeyFile (mode 0600,"
  say "owner $SERVICE_USER), edit /etc/pos-terminal/config.json (terminalId, host.url,"
  say "supervisorPasswordHash from 'npm run -s terminal:hash-password', console.passwordHash"
  say "from 'npm run -s terminal:hash-password -- --technician'), check it with"
  say "'pos-terminal --check', then: systemctl start pos-terminal.service"
else
  say "unchanged"
fi
