import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { terminalConfigSchema } from '../src/terminal/terminalConfig.js';

/**
 * Runs scripts/install-board.sh, unmodified, in a throwaway --root with stub commands first on
 * PATH: apt-get, dpkg-query, useradd, usermod, getent, chown, stat (owner queries only),
 * systemctl and udevadm. The stubs keep a small state (installed packages, users, groups,
 * owners, enabled units) in files, so a second run sees what the first one "did", and log
 * every call. Nothing here touches the real system: no package, user or unit is made.
 */

const REPO = path.resolve(import.meta.dirname, '..');
const SCRIPT = path.join(REPO, 'scripts/install-board.sh');
const SYSTEMD = path.join(REPO, 'systemd');
const SHIPPED = [
  'pos-terminal.service',
  'pos-console@.service',
  '99-pos-devices.rules',
  'pos-terminal.default',
  'config.example.json',
];

// Each stub logs its name and arguments (one line, tab-separated) to $STUB_STATE/calls.
const STUBS: Record<string, string> = {
  'apt-get': `
log apt-get "$@"
if [[ "$1" == install ]]; then
  for a in "$@"; do [[ "$a" == -* || "$a" == install ]] || echo "$a" >>"$STUB_STATE/packages"; done
fi`,
  'dpkg-query': `
log dpkg-query "$@"
package="\${*: -1}"
grep -qx "$package" "$STUB_STATE/packages" || exit 1
printf 'install ok installed'`,
  useradd: `
log useradd "$@"
echo "\${*: -1}" >>"$STUB_STATE/passwd"`,
  usermod: `
log usermod "$@"
[[ "$1 $2" == "--append --groups" ]] || { echo "usermod stub: unexpected $*" >&2; exit 3; }
user="$4"
IFS=, read -ra wanted <<<"$3"
for g in "\${wanted[@]}"; do
  line="$(grep "^$g:" "$STUB_STATE/group")" || { echo "usermod: group $g does not exist" >&2; exit 6; }
  members="\${line##*:}"
  grep -v "^$g:" "$STUB_STATE/group" >"$STUB_STATE/group.new" || true
  echo "\${line%:*}:\${members:+$members,}$user" >>"$STUB_STATE/group.new"
  mv "$STUB_STATE/group.new" "$STUB_STATE/group"
done`,
  getent: `
log getent "$@"
case "$1" in
  passwd) grep -qx "$2" "$STUB_STATE/passwd" && echo "$2:x:998:998::/var/lib/$2:/usr/sbin/nologin" ;;
  group) grep "^$2:" "$STUB_STATE/group" ;;
  *) exit 2 ;;
esac`,
  chown: `
log chown "$@"
echo "$2 $1" >>"$STUB_STATE/owners"`,
  // The script runs as root: a file it makes is root:root until its chown.
  stat: `
if [[ "$1 $2" == "-c %U:%G" ]]; then
  owner="$(awk -v p="$3" '$1 == p { o = $2 } END { print o }' "$STUB_STATE/owners")"
  echo "\${owner:-root:root}"
else
  PATH="$REAL_PATH" exec stat "$@"
fi`,
  systemctl: `
log systemctl "$@"
case "$1" in
  is-enabled) grep -qx "\${*: -1}" "$STUB_STATE/enabled" ;;
  enable) echo "\${*: -1}" >>"$STUB_STATE/enabled" ;;
  daemon-reload) ;;
  *) echo "systemctl stub: unexpected $*" >&2; exit 3 ;;
esac`,
  udevadm: `log udevadm "$@"`,
};

/** The calls that change the system, as opposed to the queries. */
const CHANGING = new Set(['apt-get', 'useradd', 'usermod', 'chown', 'systemctl', 'udevadm']);

let work: string;
let root: string;
let source: string;
let state: string;
let bin: string;

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'install-board-'));
  root = path.join(work, 'root');
  source = path.join(work, 'systemd');
  state = path.join(work, 'state');
  bin = path.join(work, 'bin');
  for (const dir of [root, source, state, bin]) mkdirSync(dir, { recursive: true });
  for (const file of SHIPPED) cpSync(path.join(SYSTEMD, file), path.join(source, file));
  writeFileSync(path.join(state, 'calls'), '');
  writeFileSync(path.join(state, 'packages'), '');
  writeFileSync(path.join(state, 'passwd'), 'root\n');
  writeFileSync(path.join(state, 'owners'), '');
  writeFileSync(path.join(state, 'enabled'), '');
  // A board without a gpio group: the script must skip it.
  writeFileSync(path.join(state, 'group'), 'dialout:x:20:\ninput:x:105:\nlp:x:7:\n');
  for (const [name, body] of Object.entries(STUBS)) {
    const file = path.join(bin, name);
    writeFileSync(
      file,
      `#!/usr/bin/env bash\nset -euo pipefail\nlog() { local IFS=$'\\t'; echo "$*" >>"$STUB_STATE/calls"; }\n${body}\n`,
    );
    chmodSync(file, 0o755);
  }
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function install(...args: string[]) {
  writeFileSync(path.join(state, 'calls'), '');
  const realPath = process.env.PATH ?? '/usr/bin:/bin';
  const result = spawnSync('bash', [SCRIPT, '--root', root, '--source', source, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${realPath}`, REAL_PATH: realPath, STUB_STATE: state },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const calls = readFileSync(path.join(state, 'calls'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t').join(' '));
  const changing = calls.filter((call) => CHANGING.has(call.split(' ')[0] ?? ''));
  return {
    stdout: result.stdout,
    calls,
    changing: changing.filter((call) => !call.startsWith('systemctl is-enabled')),
  };
}

interface Entry {
  mode: string;
  mtimeMs: number;
  content?: string;
}

/** Every file and directory under the root: mode, mtime and (files) content. */
function snapshot(): Record<string, Entry> {
  const entries: Record<string, Entry> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stat = statSync(full);
      const entry: Entry = { mode: (stat.mode & 0o7777).toString(8), mtimeMs: stat.mtimeMs };
      if (stat.isDirectory()) walk(full);
      else entry.content = readFileSync(full, 'utf8');
      entries[path.relative(root, full)] = entry;
    }
  };
  walk(root);
  return entries;
}

const at = (file: string) => path.join(root, file);
const modeOf = (file: string) => (statSync(at(file)).mode & 0o7777).toString(8);

describe('install-board.sh', () => {
  it('sets up a fresh board: packages, user, groups, directories, config, units, enable', () => {
    const first = install();

    expect(first.changing).toEqual([
      'apt-get update -q',
      'apt-get install -y -q --no-install-recommends pcscd libccid socat fonts-wqy-microhei fbterm',
      'useradd --system --user-group --home-dir /var/lib/pos-terminal --no-create-home --shell /usr/sbin/nologin --comment ComboPay terminal pos-terminal',
      'usermod --append --groups dialout,input,lp pos-terminal',
      `chown root:pos-terminal ${at('etc/pos-terminal')}`,
      `chown pos-terminal:pos-terminal ${at('var/lib/pos-terminal')}`,
      `chown root:pos-terminal ${at('etc/pos-terminal/config.json')}`,
      'systemctl daemon-reload',
      'udevadm control --reload',
      'udevadm trigger --action=change --subsystem-match=tty --subsystem-match=input --subsystem-match=usbmisc',
      'systemctl enable pos-terminal.service',
    ]);
    expect(first.stdout).toContain('group gpio: not on this board, skipped');
    expect(first.stdout).not.toMatch(/unchanged$/m);

    expect(modeOf('etc/pos-terminal')).toBe('750');
    expect(modeOf('var/lib/pos-terminal')).toBe('700');
    expect(modeOf('etc/pos-terminal/config.json')).toBe('640');
    expect(readFileSync(at('etc/pos-terminal/config.json'), 'utf8')).toBe(
      readFileSync(path.join(SYSTEMD, 'config.example.json'), 'utf8'),
    );
    expect(readFileSync(at('etc/default/pos-terminal'), 'utf8')).toBe(
      readFileSync(path.join(SYSTEMD, 'pos-terminal.default'), 'utf8'),
    );
    for (const [file, dir] of [
      ['pos-terminal.service', 'etc/systemd/system'],
      ['pos-console@.service', 'etc/systemd/system'],
      ['99-pos-devices.rules', 'etc/udev/rules.d'],
    ] as const) {
      const target = path.join(dir, file);
      expect(readFileSync(at(target), 'utf8')).toBe(readFileSync(path.join(SYSTEMD, file), 'utf8'));
      expect(modeOf(target)).toBe('644');
    }
    // Only the installer's files, nothing else: no leftover temporary file.
    expect(Object.keys(snapshot()).sort()).toEqual([
      'etc',
      'etc/default',
      'etc/default/pos-terminal',
      'etc/pos-terminal',
      'etc/pos-terminal/config.json',
      'etc/systemd',
      'etc/systemd/system',
      'etc/systemd/system/pos-console@.service',
      'etc/systemd/system/pos-terminal.service',
      'etc/udev',
      'etc/udev/rules.d',
      'etc/udev/rules.d/99-pos-devices.rules',
      'var',
      'var/lib',
      'var/lib/pos-terminal',
    ]);
  });

  it('changes nothing the second time and says "unchanged"', () => {
    install();
    const before = snapshot();
    const second = install();
    expect(snapshot()).toEqual(before);
    expect(second.changing).toEqual([]);
    // It did look: packages, user, groups and the unit's state were queried.
    expect(second.calls).toContain('getent passwd pos-terminal');
    expect(second.calls).toContain('systemctl is-enabled --quiet pos-terminal.service');
    expect(second.calls.some((call) => call.startsWith('dpkg-query'))).toBe(true);
    expect(second.stdout.trimEnd().split('\n').at(-1)).toBe('install-board: unchanged');
  });

  it('never overwrites an existing config, first run or later', () => {
    const edited = '{ "terminalId": "SHOP42" }\n';
    install();
    writeFileSync(at('etc/pos-terminal/config.json'), edited);
    const again = install();
    expect(readFileSync(at('etc/pos-terminal/config.json'), 'utf8')).toBe(edited);
    expect(again.stdout).toContain('/etc/pos-terminal/config.json: exists and differs');
    expect(again.changing).toEqual([]);
    expect(again.stdout).toMatch(/install-board: unchanged\n$/);

    // A board that already had a config before its first install keeps it too.
    rmSync(root, { recursive: true });
    writeFileSync(path.join(state, 'owners'), '');
    mkdirSync(at('etc/pos-terminal'), { recursive: true });
    writeFileSync(at('etc/pos-terminal/config.json'), edited);
    install();
    expect(readFileSync(at('etc/pos-terminal/config.json'), 'utf8')).toBe(edited);
    expect(modeOf('etc/pos-terminal/config.json')).toBe('640');
  });

  it('replaces a changed unit and reloads systemd only, not udev', () => {
    install();
    writeFileSync(
      path.join(source, 'pos-terminal.service'),
      `${readFileSync(path.join(source, 'pos-terminal.service'), 'utf8')}# changed\n`,
    );
    const update = install();
    expect(update.stdout).toContain('/etc/systemd/system/pos-terminal.service: updated');
    expect(update.changing).toEqual(['systemctl daemon-reload']);
    expect(readFileSync(at('etc/systemd/system/pos-terminal.service'), 'utf8')).toMatch(
      /# changed\n$/,
    );
  });

  it('adds the gpio group where the board has one, and only the missing groups', () => {
    install();
    writeFileSync(
      path.join(state, 'group'),
      `${readFileSync(path.join(state, 'group'), 'utf8')}gpio:x:997:\n`,
    );
    const again = install();
    expect(again.changing).toEqual(['usermod --append --groups gpio pos-terminal']);
  });

  it('prints its usage with --help', () => {
    const result = spawnSync('bash', [SCRIPT, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: install-board\.sh \[--root DIR\]/);
  });

  it('ships an example config that the terminal accepts as a real board config', () => {
    const example: unknown = JSON.parse(
      readFileSync(path.join(SYSTEMD, 'config.example.json'), 'utf8'),
    );
    const config = terminalConfigSchema.parse(example);
    expect(config.devices.simulator).toBe(false);
    expect(config.devices.reader.kind).toBe('pcsc');
    expect(config.journalPath.startsWith('/var/lib/pos-terminal/')).toBe(true);
    expect(path.dirname(config.terminalKeyFile)).toBe('/etc/pos-terminal');
  });

  it('is shellcheck-clean', () => {
    const result = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
