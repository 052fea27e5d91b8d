import { describe, expect, it } from 'vitest';
import { SimulatorError } from './SimulatorError.js';
import {
  DEFAULT_SIMULATOR_OPTIONS,
  parseSimulatorOptions,
  SIMULATOR_USAGE,
} from './simulatorOptions.js';

function failure(argv: string[]): SimulatorError {
  try {
    parseSimulatorOptions(argv);
  } catch (error) {
    if (error instanceof SimulatorError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('parseSimulatorOptions', () => {
  it('gives the defaults for no options', () => {
    expect(parseSimulatorOptions([])).toEqual({
      help: false,
      lang: 'zh-CN',
      dataDir: './var/simulator',
      reset: false,
      freshAccount: false,
      reader: 'auto',
    });
    expect(DEFAULT_SIMULATOR_OPTIONS).toEqual(parseSimulatorOptions([]));
  });

  it('reads every option, in either spelling of a value', () => {
    expect(
      parseSimulatorOptions([
        '--lang',
        'en',
        '--data-dir=/tmp/sim',
        '--reset',
        '--fresh-account',
        '--reader',
        'pcsc',
      ]),
    ).toEqual({
      help: false,
      lang: 'en',
      dataDir: '/tmp/sim',
      reset: true,
      freshAccount: true,
      reader: 'pcsc',
    });
    expect(parseSimulatorOptions(['-h']).help).toBe(true);
    expect(parseSimulatorOptions(['--help']).help).toBe(true);
    expect(parseSimulatorOptions(['--reader=fake']).reader).toBe('fake');
  });

  it.each([
    [['--colour'], /unknown option --colour/],
    [['-x'], /unknown option -x/],
    [['--lang'], /--lang needs a value: zh-CN or en/],
    [['--lang', '--reset'], /--lang needs a value/],
    [['--lang', 'fr'], /--lang must be zh-CN or en, not "fr"/],
    [['--lang='], /--lang must be zh-CN or en, not ""/],
    [['--reader', 'usb'], /--reader must be auto or fake or pcsc, not "usb"/],
    [['--data-dir'], /--data-dir needs a value/],
    [['--data-dir', ' '], /--data-dir must name a directory/],
    [['--reset=yes'], /--reset takes no value/],
    [['--help=1'], /--help takes no value/],
    [['start'], /unexpected argument start/],
  ])('refuses %j with exit code 2, naming the option', (argv, message) => {
    const error = failure(argv);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('--help');
    expect(error.exitCode).toBe(2);
  });

  it('documents every option in the usage text', () => {
    for (const option of [
      '--lang',
      '--data-dir',
      '--reset',
      '--fresh-account',
      '--reader',
      '--help',
    ]) {
      expect(SIMULATOR_USAGE).toContain(option);
    }
    expect(SIMULATOR_USAGE).toContain('zh-CN|en');
    expect(SIMULATOR_USAGE).toContain('auto|fake|pcsc');
  });
});
