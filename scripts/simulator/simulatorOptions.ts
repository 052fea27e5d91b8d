import { parseArgs } from 'node:util';
import { SIMULATOR_SUPERVISOR_PASSWORD, SIMULATOR_TECHNICIAN_PASSWORD } from './demoData.js';
import { SimulatorError } from './SimulatorError.js';

/** Languages of the terminal's screens and slips and of the customer's texts. */
export const SIMULATOR_LANGUAGES = ['zh-CN', 'en'] as const;
export type SimulatorLanguage = (typeof SIMULATOR_LANGUAGES)[number];

/** How the phone reaches the terminal's reader. */
export const READER_MODES = ['auto', 'fake', 'pcsc'] as const;
export type ReaderMode = (typeof READER_MODES)[number];

/** What `npm start -- …` asked for. */
export interface SimulatorOptions {
  /** Print {@link SIMULATOR_USAGE} and exit 0; nothing else is done. */
  readonly help: boolean;
  /** Screens, slips and texts; default `zh-CN`. */
  readonly lang: SimulatorLanguage;
  /** Where the host's database, the terminal's journal and the simulator's state live. */
  readonly dataDir: string;
  /** Delete the simulator's data first, then enroll the demo merchant and customer again. */
  readonly reset: boolean;
  /** Enroll a new customer (new phone number, card and PIN) and use it from now on. */
  readonly freshAccount: boolean;
  /** `auto` uses PC/SC when pcscd and vpcd are there, else the fake reader. */
  readonly reader: ReaderMode;
}

/** The default data directory, relative to where `npm start` runs (the repository root). */
export const DEFAULT_DATA_DIR = './var/simulator';

/** The defaults: what a bare `npm start` does. */
export const DEFAULT_SIMULATOR_OPTIONS: SimulatorOptions = {
  help: false,
  lang: 'zh-CN',
  dataDir: DEFAULT_DATA_DIR,
  reset: false,
  freshAccount: false,
  reader: 'auto',
};

/** What `npm start -- --help` prints. */
export const SIMULATOR_USAGE = `usage: npm start -- [options]

ComboPay simulator: the payment host, a terminal on simulated devices and the customer's
phone (its SMS inbox and its card) in one window. On the first start it enrolls a demo
merchant (M0000001), terminal (T0000001) and customer; later starts resume their data.

options:
  --lang zh-CN|en        language of the screens, slips and texts (default zh-CN)
  --data-dir <dir>       where the simulator keeps its data (default ${DEFAULT_DATA_DIR})
  --reset                delete the simulator's data and enroll everything again
  --fresh-account        enroll a new customer (new phone number, card and PIN) and use it
                         from now on; the merchant, terminal and other data are kept
  --reader auto|fake|pcsc
                         the phone's card on a simulated reader (fake), or on vsmartcard's
                         virtual reader through PC/SC (pcsc: needs pcscd and vsmartcard-vpcd);
                         auto (the default) uses pcsc when both are running, else fake
  -h, --help             show this text

The enrollment PIN and each one-time code arrive in the phone panel's inbox, as texts do on a
real phone. The supervisor password (void, refund) is ${SIMULATOR_SUPERVISOR_PASSWORD}. Ctrl-C stops the
simulator.

The terminal's technician console: while the simulator runs, in another terminal
  npm run pos-console -- --socket <data dir>/control.sock
with the password ${SIMULATOR_TECHNICIAN_PASSWORD}. The terminal's config is <data dir>/terminal-config.json,
written on the first start and read at every start after ("config set" changes it).`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  lang: { type: 'string' },
  'data-dir': { type: 'string' },
  reset: { type: 'boolean' },
  'fresh-account': { type: 'boolean' },
  reader: { type: 'string' },
} as const;

/** What a value-taking option accepts, for its error message. */
const EXPECTED: Readonly<Record<string, string>> = {
  lang: SIMULATOR_LANGUAGES.join(' or '),
  'data-dir': 'a directory',
  reader: READER_MODES.join(', '),
};

function usageError(message: string): SimulatorError {
  return new SimulatorError(`${message} (npm start -- --help lists the options)`, { exitCode: 2 });
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw usageError(`--${name} must be ${allowed.join(' or ')}, not "${value}"`);
  }
  return found;
}

/**
 * Reads the simulator's command line (the words after `npm start --`). Throws a
 * {@link SimulatorError} with exit code 2 naming the option for an unknown option, a
 * missing or bad value, or a stray argument.
 */
export function parseSimulatorOptions(argv: readonly string[]): SimulatorOptions {
  let values: Partial<Record<keyof typeof OPTIONS, string | boolean>>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: OPTIONS,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw translateParseError(error);
  }
  const text = (name: keyof typeof OPTIONS): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const dataDir = text('data-dir') ?? DEFAULT_DATA_DIR;
  if (dataDir.trim() === '') throw usageError('--data-dir must name a directory');
  const lang = text('lang');
  const reader = text('reader');
  return {
    help: values.help === true,
    lang:
      lang === undefined
        ? DEFAULT_SIMULATOR_OPTIONS.lang
        : oneOf('lang', lang, SIMULATOR_LANGUAGES),
    dataDir,
    reset: values.reset === true,
    freshAccount: values['fresh-account'] === true,
    reader:
      reader === undefined
        ? DEFAULT_SIMULATOR_OPTIONS.reader
        : oneOf('reader', reader, READER_MODES),
  };
}

/**
 * parseArgs's messages name the option but end in advice about positionals that does not fit
 * here; its error codes tell which mistake it was, so the message is rebuilt from them.
 */
function translateParseError(error: unknown): SimulatorError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  // "Option '-h, --help' does not take an argument": the long name, which the usage lists.
  const option = /'(?:-[A-Za-z], )?(-[^' ,]+)/.exec(message)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return usageError(`unknown option ${option ?? message}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const name = option?.replace(/^-+/, '') ?? '';
      const expected = EXPECTED[name];
      return expected === undefined
        ? usageError(`${option ?? 'an option'} takes no value`)
        : usageError(`${option ?? 'an option'} needs a value: ${expected}`);
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return usageError(`unexpected argument ${/'([^']*)'/.exec(message)?.[1] ?? message}`);
    default:
      return usageError(message.split('\n')[0] ?? message);
  }
}
