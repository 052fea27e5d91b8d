import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
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
 *
 * The application (--app) is a small fake built tree made here, not npm's: package.json,
 * dist/ with the three commands (ES modules with a shebang, as `npm run build` leaves them)
 * and node_modules/ with one package and its .bin link.
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
  'README.md',
];
const RESTART = 'systemctl try-restart pos-terminal.service pos-console@*.service';

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
  daemon-reload | try-restart) ;;
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
let app: string;

/** The fake built application: path under app/ -> content (and mode when executable). */
const APP_FILES: Record<string, { content: string; mode?: number }> = {
  'package.json': { content: '{ "name": "combopay", "version": "0.1.0", "type": "module" }\n' },
  'package-lock.json': { content: '{ "name": "combopay", "lockfileVersion": 3 }\n' },
  'dist/src/terminal/main.js': {
    content: `#!/usr/bin/env node\nimport { name } from '../core/name.js';\nconsole.log(\`\${name} terminal\`);\n`,
    mode: 0o755,
  },
  'dist/src/terminal/console/main.js': {
    content: `#!/usr/bin/env node\nconsole.log('console');\n`,
    mode: 0o755,
  },
  'dist/src/host/cli/main.js': {
    content: `#!/usr/bin/env node\nconsole.log('host');\n`,
    mode: 0o755,
  },
  'dist/src/core/name.js': { content: `export const name = 'combopay';\n` },
  'dist/src/core/name.js.map': { content: '{}\n' },
  'node_modules/left-pad/package.json': { content: '{ "name": "left-pad", "bin": "cli.js" }\n' },
  'node_modules/left-pad/index.js': { content: 'module.exports = () => {};\n' },
  'node_modules/left-pad/cli.js': { content: '#!/usr/bin/env node\n', mode: 0o755 },
  // Not part of what is installed: only package*.json, dist/ and node_modules/ are.
  'src/terminal/main.ts': { content: 'export {};\n' },
};

function writeApp(file: string, content: string, mode = 0o644) {
  const full = path.join(app, file);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
  chmodSync(full, mode);
}

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'install-board-'));
  root = path.join(work, 'root');
  source = path.join(work, 'systemd');
  state = path.join(work, 'state');
  bin = path.join(work, 'bin');
  app = path.join(work, 'app');
  for (const dir of [root, source, state, bin]) mkdirSync(dir, { recursive: true });
  for (const file of SHIPPED) cpSync(path.join(SYSTEMD, file), path.join(source, file));
  // docs/ beside --source, as in the repository.
  mkdirSync(path.join(work, 'docs'));
  writeFileSync(path.join(work, 'docs/configuration.md'), '# Configuration\n');
  for (const [file, { content, mode }] of Object.entries(APP_FILES)) writeApp(file, content, mode);
  mkdirSync(path.join(app, 'node_modules/.bin'));
  symlinkSync('../left-pad/cli.js', path.join(app, 'node_modules/.bin/left-pad'));
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

/** Environment of the next runs beyond the stubs' (reset after each test). */
let extraEnv: Record<string, string> = {};

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
  extraEnv = {};
});

function run(...args: string[]) {
  writeFileSync(path.join(state, 'calls'), '');
  const realPath = process.env.PATH ?? '/usr/bin:/bin';
  return spawnSync('bash', [SCRIPT, '--root', root, '--source', source, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${bin}:${realPath}`,
      REAL_PATH: realPath,
      STUB_STATE: state,
      // As on a running board (this machine may run no systemd); one test says otherwise.
      POS_INSTALL_SYSTEMD_RUNNING: '1',
      ...extraEnv,
    },
  });
}

function readCalls(): string[] {
  return readFileSync(path.join(state, 'calls'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t').join(' '));
}

function install(...args: string[]) {
  const result = run(...args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const calls = readCalls();
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
  ino: number;
  content?: string;
  link?: string;
}

/**
 * Every file, directory and link under the root: mode, mtime, inode (a file written again is a
 * new inode, being renamed into place) and content or link target.
 */
function snapshot(): Record<string, Entry> {
  const entries: Record<string, Entry> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const stat = lstatSync(full);
      const entry: Entry = {
        mode: (stat.mode & 0o7777).toString(8),
        mtimeMs: stat.mtimeMs,
        ino: stat.ino,
      };
      if (stat.isDirectory()) walk(full);
      else if (stat.isSymbolicLink()) entry.link = readlinkSync(full);
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
  it('into an image (systemd not running): enables the unit from its files, reloads and restarts nothing', () => {
    extraEnv = { POS_INSTALL_SYSTEMD_RUNNING: '0' };
    const first = install();
    expect(first.changing).toContain('systemctl enable pos-terminal.service');
    expect(
      first.changing.filter((call) => /daemon-reload|try-restart|^udevadm/.test(call)),
    ).toEqual([]);
    expect(first.stdout).toContain('systemd is not running here');
    expect(readFileSync(at('etc/systemd/system/pos-terminal.service'), 'utf8')).toBe(
      readFileSync(path.join(SYSTEMD, 'pos-terminal.service'), 'utf8'),
    );
  });

  it('sets up a fresh board: packages, user, groups, directories, config, units, enable', () => {
    const first = install();

    expect(first.changing).toEqual([
      'apt-get update -q',
      'apt-get install -y -q --no-install-recommends pcscd libccid socat fonts-wqy-microhei fbterm',
      'useradd --system --user-group --home-dir /var/lib/pos-terminal --no-create-home --shell /usr/sbin/nologin --comment ComboPay terminal pos-terminal',
      'usermod --append --groups dialout,input,lp pos-terminal',
      `chown root:pos-terminal ${at('etc/pos-terminal')}`,
      `chown pos-terminal:pos-terminal ${at('var/lib/pos-terminal')}`,
      `chown pos-terminal:pos-terminal ${at('etc/pos-terminal/config.json')}`,
      'systemctl daemon-reload',
      'udevadm control --reload',
      'udevadm trigger --action=change --subsystem-match=tty --subsystem-match=input --subsystem-match=usbmisc',
      'systemctl enable pos-terminal.service',
    ]);
    expect(first.stdout).toContain('group gpio: not on this board, skipped');
    // Without --app the application is not touched, and said so once.
    expect(first.stdout.match(/application not installed \(no --app\)/g)).toHaveLength(1);
    expect(first.stdout).not.toMatch(/unchanged$/m);

    expect(modeOf('etc/pos-terminal')).toBe('1770');
    expect(modeOf('var/lib/pos-terminal')).toBe('700');
    expect(modeOf('etc/pos-terminal/config.json')).toBe('600');
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
      ['README.md', 'usr/local/share/doc/pos-terminal/systemd'],
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
      'usr',
      'usr/local',
      'usr/local/share',
      'usr/local/share/doc',
      'usr/local/share/doc/pos-terminal',
      'usr/local/share/doc/pos-terminal/docs',
      'usr/local/share/doc/pos-terminal/docs/configuration.md',
      'usr/local/share/doc/pos-terminal/systemd',
      'usr/local/share/doc/pos-terminal/systemd/README.md',
      'usr/local/share/doc/pos-terminal/systemd/config.example.json',
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
    expect(modeOf('etc/pos-terminal/config.json')).toBe('600');
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

  describe('the application (--app)', () => {
    const LIB = 'usr/local/lib/combopay';
    const appEntries = () =>
      Object.fromEntries(Object.entries(snapshot()).filter(([file]) => file.startsWith(`${LIB}/`)));

    it('installs package*.json, dist/ and node_modules/ and links the three commands', () => {
      const first = install('--app', app);

      expect(first.changing.filter((call) => call.startsWith('systemctl try-restart'))).toEqual([
        RESTART,
      ]);
      expect(first.changing.at(-1)).toBe(RESTART);
      expect(first.stdout).not.toContain('no --app');
      for (const [file, { content, mode }] of Object.entries(APP_FILES)) {
        if (file.startsWith('src/')) {
          expect(existsSync(at(path.join(LIB, file)))).toBe(false);
          continue;
        }
        expect(readFileSync(at(path.join(LIB, file)), 'utf8')).toBe(content);
        expect(modeOf(path.join(LIB, file))).toBe(mode === undefined ? '644' : '755');
      }
      expect(existsSync(at(path.join(LIB, 'src')))).toBe(false);
      expect(modeOf(LIB)).toBe('755');
      expect(modeOf(path.join(LIB, 'dist/src/terminal'))).toBe('755');
      expect(readlinkSync(at(path.join(LIB, 'node_modules/.bin/left-pad')))).toBe(
        '../left-pad/cli.js',
      );

      for (const [command, file, output] of [
        ['pos-terminal', 'dist/src/terminal/main.js', 'combopay terminal'],
        ['pos-console', 'dist/src/terminal/console/main.js', 'console'],
        ['pos-host', 'dist/src/host/cli/main.js', 'host'],
      ] as const) {
        const link = at(path.join('usr/local/bin', command));
        expect(readlinkSync(link)).toBe(`../lib/combopay/${file}`);
        // Run through the link as systemd would: the shebang, and the ES module's imports
        // resolved from where the file really is.
        const ran = spawnSync(link, [], { encoding: 'utf8' });
        expect(ran.stderr).toBe('');
        expect(ran.stdout).toBe(`${output}\n`);
      }
    });

    it('rewrites nothing and restarts nothing the second time', () => {
      install('--app', app);
      const before = snapshot();
      const second = install('--app', app);
      expect(snapshot()).toEqual(before);
      expect(second.changing).toEqual([]);
      expect(second.stdout).toContain(`/${LIB}: unchanged`);
      expect(second.stdout).toContain('/usr/local/bin/pos-terminal: unchanged');
      expect(second.stdout.trimEnd().split('\n').at(-1)).toBe('install-board: unchanged');

      // Nor does a run without --app: the installed application is left as it is.
      const without = install();
      expect(snapshot()).toEqual(before);
      expect(without.changing).toEqual([]);
      expect(without.stdout.match(/application: left as it is \(no --app\)/g)).toHaveLength(1);
    });

    it('copies what changed, removes what went, and restarts once', () => {
      install('--app', app);
      const before = appEntries();
      writeApp('dist/src/core/name.js', `export const name = 'combopay 2';\n`);
      writeApp('dist/src/core/added.js', 'export {};\n');
      rmSync(path.join(app, 'node_modules/left-pad/index.js'));
      // A directory made again with the same content is the same: nothing to install.
      const hostMain = readFileSync(path.join(app, 'dist/src/host/cli/main.js'), 'utf8');
      rmSync(path.join(app, 'dist/src/host'), { recursive: true, force: true });
      writeApp('dist/src/host/cli/main.js', hostMain, 0o755);
      chmodSync(path.join(app, 'node_modules/left-pad/cli.js'), 0o644);

      const update = install('--app', app);
      expect(update.changing).toEqual([RESTART]);
      expect(update.stdout).toContain(`/${LIB}: from ${app}, 3 to install or update, 1 to remove`);
      const after = appEntries();
      expect(after[`${LIB}/dist/src/core/name.js`]?.content).toBe(
        `export const name = 'combopay 2';\n`,
      );
      expect(after[`${LIB}/dist/src/core/added.js`]?.mode).toBe('644');
      expect(after[`${LIB}/node_modules/left-pad/index.js`]).toBeUndefined();
      expect(after[`${LIB}/node_modules/left-pad/cli.js`]?.mode).toBe('644');
      // Everything else is the same file, not written again.
      const rewritten = Object.entries(after)
        .filter(
          ([file, entry]) =>
            entry.link === undefined &&
            !file.endsWith('/dist/src/core') &&
            !file.endsWith('/node_modules/left-pad') &&
            JSON.stringify(entry) !== JSON.stringify(before[file]),
        )
        .map(([file]) => file);
      expect(rewritten.sort()).toEqual([
        `${LIB}/dist/src/core/added.js`,
        `${LIB}/dist/src/core/name.js`,
        `${LIB}/node_modules/left-pad/cli.js`,
      ]);
      expect(spawnSync(at('usr/local/bin/pos-terminal'), [], { encoding: 'utf8' }).stdout).toBe(
        'combopay 2 terminal\n',
      );

      // Something else put in the installed tree goes too, and a mode changed there is mended.
      writeFileSync(at(path.join(LIB, 'stray.txt')), 'x');
      chmodSync(at(path.join(LIB, 'dist/src/core/name.js')), 0o664);
      const mended = install('--app', app);
      expect(mended.changing).toEqual([RESTART]);
      expect(existsSync(at(path.join(LIB, 'stray.txt')))).toBe(false);
      expect(modeOf(path.join(LIB, 'dist/src/core/name.js'))).toBe('644');
    });

    it('puts back a command link that points elsewhere', () => {
      install('--app', app);
      rmSync(at('usr/local/bin/pos-console'));
      symlinkSync('/opt/old/pos-console', at('usr/local/bin/pos-console'));
      const again = install('--app', app);
      expect(again.changing).toEqual([RESTART]);
      expect(readlinkSync(at('usr/local/bin/pos-console'))).toBe(
        '../lib/combopay/dist/src/terminal/console/main.js',
      );
    });

    it.each([
      [
        'without dist/',
        () => rmSync(path.join(app, 'dist'), { recursive: true }),
        /no dist\/src\/terminal\/main\.js/,
      ],
      [
        'without the console',
        () => rmSync(path.join(app, 'dist/src/terminal/console/main.js')),
        /no dist\/src\/terminal\/console\/main\.js/,
      ],
      [
        'without node_modules/',
        () => rmSync(path.join(app, 'node_modules'), { recursive: true }),
        /no node_modules/,
      ],
      [
        'with a command not executable',
        () => chmodSync(path.join(app, 'dist/src/terminal/main.js'), 0o644),
        /main\.js is not executable/,
      ],
      [
        'of another package',
        () => writeApp('package.json', '{ "name": "other" }\n'),
        /no package\.json of combopay/,
      ],
    ])('refuses an --app tree %s: exit 2, nothing changed', (_, spoil, message) => {
      // On a fresh board: not even a query is made.
      spoil();
      const fresh = run('--app', app);
      expect(fresh.status).toBe(2);
      expect(fresh.stderr).toMatch(message);
      expect(fresh.stderr).toContain('(nothing changed)');
      expect(readCalls()).toEqual([]);
      expect(snapshot()).toEqual({});

      // On an installed one: the installed application stays.
      rmSync(app, { recursive: true });
      for (const [file, { content, mode }] of Object.entries(APP_FILES))
        writeApp(file, content, mode);
      install('--app', app);
      const before = snapshot();
      spoil();
      const refused = run('--app', app);
      expect(refused.status).toBe(2);
      expect(readCalls()).toEqual([]);
      expect(snapshot()).toEqual(before);
    });

    it('refuses an --app that is not a directory', () => {
      const result = run('--app', path.join(work, 'nowhere'));
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('not a directory');
      expect(snapshot()).toEqual({});
    });
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
