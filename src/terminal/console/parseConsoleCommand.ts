/** One command's help: its name (one or two words), one line, the usage and an example. */
export interface CommandHelp {
  name: string;
  summary: string;
  usage: string;
  example: string;
  /** More lines for `help <command>`. */
  details?: readonly string[] | undefined;
}

/** The console's commands, in the order `help` lists them. */
export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'status',
    summary: 'host, modem, reader, printer, journal',
    usage: 'status',
    example: 'status',
  },
  {
    name: 'test reader',
    summary: 'wait for a tap and read the phone or card',
    usage: 'test reader',
    example: 'test reader',
    details: ['Ctrl-C stops waiting.'],
  },
  {
    name: 'test printer',
    summary: 'print a test page',
    usage: 'test printer',
    example: 'test printer',
  },
  {
    name: 'test keypad',
    summary: 'show each key pressed on the keypad',
    usage: 'test keypad',
    example: 'test keypad',
    details: ['Ctrl-C ends the test.'],
  },
  {
    name: 'modem at',
    summary: 'send one AT command to the modem',
    usage: 'modem at <command>',
    example: 'modem at +CSQ',
    details: ['The leading AT may be left out: "modem at +CSQ" sends AT+CSQ.'],
  },
  {
    name: 'config show',
    summary: 'every config field and where it comes from',
    usage: 'config show',
    example: 'config show',
  },
  {
    name: 'config set',
    summary: 'change one config field (used after restart)',
    usage: 'config set <path> <value>',
    example: 'config set host.url https://host.example:8443',
    details: [
      'The value is read as JSON when it is valid JSON (42, true, "text", {"a":1}),',
      'otherwise as text. "default" removes the field, so its default applies.',
    ],
  },
  {
    name: 'journal list',
    summary: 'the newest journal entries',
    usage: 'journal list [N] [--batch BATCH]',
    example: 'journal list 20 --batch 000012',
    details: ['N is 1 to 100 (default 20); BATCH is 6 digits.'],
  },
  {
    name: 'journal show',
    summary: 'every field of one journal entry',
    usage: 'journal show <id>',
    example: 'journal show 42',
  },
  {
    name: 'logs tail',
    summary: 'the last log lines; -f keeps following',
    usage: 'logs tail [N] [-f]',
    example: 'logs tail 50 -f',
    details: ['N is 1 to 1000 (default 20). With -f, Ctrl-C stops following.'],
  },
  {
    name: 'sign-in',
    summary: 'sign in to the host now',
    usage: 'sign-in',
    example: 'sign-in',
  },
  {
    name: 'settle',
    summary: 'settle the open batch (asks first)',
    usage: 'settle',
    example: 'settle',
  },
  {
    name: 'restart',
    summary: 'restart the terminal (asks first)',
    usage: 'restart',
    example: 'restart',
  },
  {
    name: 'help',
    summary: 'this list, or one command in detail',
    usage: 'help [command]',
    example: 'help config set',
  },
  { name: 'logout', summary: 'end the session', usage: 'logout', example: 'logout' },
  { name: 'exit', summary: 'end the session (as logout)', usage: 'exit', example: 'exit' },
];

/** A command line, understood. */
export type ConsoleCommand =
  | { kind: 'empty' }
  | { kind: 'help'; topic?: string | undefined }
  | { kind: 'status' | 'testReader' | 'testPrinter' | 'testKeypad' | 'configShow' }
  | { kind: 'signIn' | 'settle' | 'restart' | 'logout' }
  | { kind: 'modemAt'; command: string }
  | { kind: 'configSet'; path: string; value: unknown }
  | { kind: 'journalList'; limit?: number | undefined; batch?: string | undefined }
  | { kind: 'journalShow'; entry: number }
  | { kind: 'logsTail'; lines?: number | undefined; follow: boolean }
  /** Not a command, or bad arguments: what is wrong, and the usage when the command is known. */
  | { kind: 'error'; message: string; usage?: string | undefined };

const CONFIG_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

function usageOf(name: string): string {
  return COMMANDS.find((command) => command.name === name)?.usage ?? name;
}

function bad(name: string, message: string): ConsoleCommand {
  return { kind: 'error', message, usage: usageOf(name) };
}

/** A whole number in [min, max] from `text`, or undefined. */
function intIn(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** The text after the first `count` words of `line` (spacing inside it kept). */
function restAfter(line: string, count: number): string {
  const pattern = new RegExp(`^\\s*(?:\\S+\\s+){${count}}`);
  const match = pattern.exec(line);
  return match ? line.slice(match[0].length).trim() : '';
}

/** A `config set` value: JSON when it parses as JSON, else the text; `default` is null. */
export function parseConfigValue(text: string): unknown {
  if (text === 'default') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parseJournal(words: readonly string[]): ConsoleCommand {
  const [, sub, ...args] = words;
  if (sub === 'show') {
    if (args.length !== 1) return bad('journal show', 'journal show takes one entry id');
    const entry = intIn(args[0] ?? '', 1, Number.MAX_SAFE_INTEGER);
    if (entry === undefined) {
      return bad('journal show', `"${args[0] ?? ''}" is not an entry id (a number from 1)`);
    }
    return { kind: 'journalShow', entry };
  }
  if (sub !== 'list') return unknownSub('journal', sub, ['list', 'show']);
  let limit: number | undefined;
  let batch: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--batch') {
      const value = args[i + 1];
      if (value === undefined) return bad('journal list', '--batch needs a batch number');
      if (!/^\d{6}$/.test(value)) return bad('journal list', `batch "${value}" is not 6 digits`);
      batch = value;
      i += 1;
    } else if (limit === undefined && /^\d+$/.test(arg)) {
      limit = intIn(arg, 1, 100);
      if (limit === undefined) return bad('journal list', `N must be 1 to 100, not ${arg}`);
    } else {
      return bad('journal list', `unexpected "${arg}"`);
    }
  }
  return { kind: 'journalList', limit, batch };
}

function parseLogs(words: readonly string[]): ConsoleCommand {
  const [, sub, ...args] = words;
  if (sub !== 'tail') return unknownSub('logs', sub, ['tail']);
  let lines: number | undefined;
  let follow = false;
  for (const arg of args) {
    if (arg === '-f' || arg === '--follow') follow = true;
    else if (lines === undefined && /^\d+$/.test(arg)) {
      lines = intIn(arg, 1, 1000);
      if (lines === undefined) return bad('logs tail', `N must be 1 to 1000, not ${arg}`);
    } else return bad('logs tail', `unexpected "${arg}"`);
  }
  return { kind: 'logsTail', lines, follow };
}

function unknownSub(
  word: string,
  sub: string | undefined,
  subs: readonly string[],
): ConsoleCommand {
  const usage = subs.map((s) => usageOf(`${word} ${s}`)).join('\n');
  if (sub === undefined) {
    return { kind: 'error', message: `${word} needs one of: ${subs.join(', ')}`, usage };
  }
  return { kind: 'error', message: `${word} has no "${sub}" (${subs.join(', ')})`, usage };
}

function noArgs(words: readonly string[], name: string, command: ConsoleCommand): ConsoleCommand {
  const extra = words.slice(name.split(' ').length);
  if (extra.length > 0) return bad(name, `${name} takes no arguments (got "${extra.join(' ')}")`);
  return command;
}

/** Understands one command line (see {@link COMMANDS}). */
export function parseConsoleCommand(line: string): ConsoleCommand {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const [first, second] = words;
  if (first === undefined) return { kind: 'empty' };
  switch (first) {
    case 'help':
    case '?':
      return { kind: 'help', topic: words.length > 1 ? words.slice(1).join(' ') : undefined };
    case 'status':
      return noArgs(words, 'status', { kind: 'status' });
    case 'sign-in':
    case 'signin':
      return noArgs(words, 'sign-in', { kind: 'signIn' });
    case 'settle':
      return noArgs(words, 'settle', { kind: 'settle' });
    case 'restart':
      return noArgs(words, 'restart', { kind: 'restart' });
    case 'logout':
    case 'exit':
    case 'quit':
      return noArgs(words, first === 'logout' ? 'logout' : 'exit', { kind: 'logout' });
    case 'test':
      if (second === 'reader') return noArgs(words, 'test reader', { kind: 'testReader' });
      if (second === 'printer') return noArgs(words, 'test printer', { kind: 'testPrinter' });
      if (second === 'keypad') return noArgs(words, 'test keypad', { kind: 'testKeypad' });
      return unknownSub('test', second, ['reader', 'printer', 'keypad']);
    case 'modem': {
      if (second !== 'at') return unknownSub('modem', second, ['at']);
      const typed = restAfter(line, 2);
      if (typed === '') return bad('modem at', 'modem at needs a command, like +CSQ');
      const command = /^at/i.test(typed) ? typed : `AT${typed}`;
      if (!/^AT[\x20-\x7e]{0,200}$/i.test(command)) {
        return bad('modem at', 'an AT command is printable ASCII, at most 200 characters');
      }
      return { kind: 'modemAt', command };
    }
    case 'config':
      if (second === 'show') return noArgs(words, 'config show', { kind: 'configShow' });
      if (second === 'set') {
        const path = words[2];
        const valueText = restAfter(line, 3);
        if (path === undefined || valueText === '') {
          return bad('config set', 'config set needs a field and a value');
        }
        if (!CONFIG_PATH.test(path)) {
          return bad('config set', `"${path}" is not a field name like host.url`);
        }
        return { kind: 'configSet', path, value: parseConfigValue(valueText) };
      }
      return unknownSub('config', second, ['show', 'set']);
    case 'journal':
      return parseJournal(words);
    case 'logs':
      return parseLogs(words);
    default:
      return { kind: 'error', message: `unknown command "${first}"; type help for the list` };
  }
}

/** `help` and `help <topic>` as lines. */
export function helpText(topic?: string): string[] {
  if (topic === undefined) {
    const width = Math.max(...COMMANDS.map((command) => command.usage.length));
    return [
      'Commands:',
      ...COMMANDS.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
      'help <command> gives details. Tab completes, Up/Down recall, Ctrl-C cancels.',
    ];
  }
  const wanted = topic.trim().replace(/\s+/g, ' ');
  const matches = COMMANDS.filter(
    (command) => command.name === wanted || command.name.startsWith(`${wanted} `),
  );
  if (matches.length === 0) return [`no command "${wanted}"; type help for the list`];
  return matches.flatMap((command) => [
    `${command.name}: ${command.summary}`,
    `  usage:   ${command.usage}`,
    `  example: ${command.example}`,
    ...(command.details ?? []).map((line) => `  ${line}`),
  ]);
}

const SECOND_WORDS: Readonly<Record<string, readonly string[]>> = {
  test: ['reader', 'printer', 'keypad'],
  modem: ['at'],
  config: ['show', 'set'],
  journal: ['list', 'show'],
  logs: ['tail'],
};

const FIRST_WORDS = [...new Set(COMMANDS.map((command) => command.name.split(' ')[0] ?? ''))];

/** Tab completion of command words: the candidates for the word before the cursor. */
export function completeCommand(beforeCursor: string): readonly string[] {
  const words = beforeCursor.trimStart().split(/\s+/);
  if (words.length <= 1) return FIRST_WORDS;
  const [first = '', ...rest] = words;
  if (first === 'help')
    return rest.length === 1 ? FIRST_WORDS : (SECOND_WORDS[rest[0] ?? ''] ?? []);
  if (words.length === 2) return SECOND_WORDS[first] ?? [];
  return [];
}
