import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Lints source text as if it stood at a path in the repository, with the project's real
// eslint.config.js, so this proves the configuration in force, not just the rule. The files do
// not exist, so type information is switched off and only the boundary rule runs (it needs none).
const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'combopay/import-boundaries',
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  const messages = result?.messages ?? [];
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(fatal.map((m) => m.message).join('; '));
  return messages.filter((m) => m.ruleId === 'combopay/import-boundaries').map((m) => m.message);
}

const use = (name: string) => `\nexport const used = ${name};\n`;

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    [
      'drivers/nfc/bad.ts',
      `import { machine } from '../../src/terminal/flow/machine.js';${use('machine')}`,
    ],
    [
      'drivers/printer/bad.ts',
      `import { buildHost } from '../../src/host/buildHost.js';${use('buildHost')}`,
    ],
    ['drivers/keypad/bad.ts', `import { Screen } from '../../ui/Screen.js';${use('Screen')}`],
    ['drivers/printer/bad.ts', `import { Pcsc } from '../nfc/hw/PcscCardReader.js';${use('Pcsc')}`],
    ['src/core/bad.ts', `import { endpoints } from '../protocol/endpoints.js';${use('endpoints')}`],
    ['src/protocol/bad.ts', `import { journal } from '../terminal/journal.js';${use('journal')}`],
    [
      'src/host/bad.ts',
      `import { createTerminal } from '../terminal/createTerminal.js';${use('createTerminal')}`,
    ],
    ['src/terminal/bad.ts', `import { buildHost } from '../host/buildHost.js';${use('buildHost')}`],
    [
      'src/terminal/bad.ts',
      `import { PcscCardReader } from '../../drivers/nfc/hw/PcscCardReader.js';${use('PcscCardReader')}`,
    ],
    ['src/terminal/bad.ts', `import { screens } from '../../ui/screens.js';${use('screens')}`],
    [
      'src/terminal/flow/bad.ts',
      `import { FakeKeypad } from '../../../drivers/keypad/FakeKeypad.js';${use('FakeKeypad')}`,
    ],
    ['ui/bad.ts', `import { machine } from '../src/terminal/flow/machine.js';${use('machine')}`],
    [
      'ui/bad.ts',
      `import { hostClient } from '../src/terminal/hostClient.js';${use('hostClient')}`,
    ],
    ['src/terminal/bad.ts', `export { buildHost } from '../host/buildHost.js';`],
    ['src/terminal/bad.ts', `export const load = () => import('../host/buildHost.js');`],
    ['src/terminal/bad.ts', `import { NFC } from 'nfc-pcsc';${use('NFC')}`],
    ['src/host/bad.ts', `import { SerialPort } from 'serialport';${use('SerialPort')}`],
    ['ui/bad.ts', `import { Gpio } from 'onoff';${use('Gpio')}`],
    ['src/core/bad.ts', `import { x } from '../../../elsewhere/x.js';${use('x')}`],
    [
      'src/terminal/boardHelpers.ts',
      `import { PcscCardReader } from '../../drivers/nfc/hw/PcscCardReader.js';${use('PcscCardReader')}`,
    ],
    [
      'src/terminal/effects/board/bad.ts',
      `import { SerialPort } from 'serialport';${use('SerialPort')}`,
    ],
    // Only the GSM transport's folder of the host reaches drivers/, and still no hardware package.
    [
      'src/host/sms/bad.ts',
      `import { AtChannel } from '../../../drivers/modem/AtChannel.js';${use('AtChannel')}`,
    ],
    [
      'src/host/payments/bad.ts',
      `import { openSerialByteStream } from '../../../drivers/modem/hw/serialByteStream.js';${use('openSerialByteStream')}`,
    ],
    ['src/host/sms/gsm/bad.ts', `import { SerialPort } from 'serialport';${use('SerialPort')}`],
    [
      'src/host/sms/gsm/bad.ts',
      `import { createTerminal } from '../../../terminal/createTerminal.js';${use('createTerminal')}`,
    ],
    [
      'drivers/modem/bad.ts',
      `import { GsmModemTransport } from '../../src/host/sms/gsm/GsmModemTransport.js';${use('GsmModemTransport')}`,
    ],
  ])('refuses %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toHaveLength(1);
  });

  it.each([
    [
      'drivers/nfc/ok.ts',
      `import { PosError } from '../../src/core/PosError.js';${use('PosError')}`,
    ],
    [
      'drivers/nfc/hw/ok.ts',
      `import { NFC } from 'nfc-pcsc';\nimport { apdu } from '../apdu.js';${use('[NFC, apdu]')}`,
    ],
    ['src/protocol/ok.ts', `import { money } from '../core/money.js';${use('money')}`],
    ['src/host/ok.ts', `import { endpoints } from '../protocol/endpoints.js';${use('endpoints')}`],
    [
      'src/terminal/ok.ts',
      `import { endpoints } from '../protocol/endpoints.js';\nimport { FakeKeypad } from '../../drivers/keypad/FakeKeypad.js';${use('[endpoints, FakeKeypad]')}`,
    ],
    [
      'src/terminal/main.ts',
      `import { PcscCardReader } from '../../drivers/nfc/hw/PcscCardReader.js';\nimport { screens } from '../../ui/screens.js';${use('[PcscCardReader, screens]')}`,
    ],
    [
      'src/terminal/board/openDevices.ts',
      `import { PcscCardReader } from '../../../drivers/nfc/hw/PcscCardReader.js';\nimport { SerialPort } from 'serialport';\nimport { runBoardDisplay } from '../../../ui/runBoardDisplay.js';${use('[PcscCardReader, SerialPort, runBoardDisplay]')}`,
    ],
    [
      'src/terminal/flow/ok.ts',
      `import type { Key } from '../../../drivers/keypad/Keypad.js';\nexport type K = Key;\n`,
    ],
    [
      'ui/ok.ts',
      `import type { FlowState } from '../src/terminal/flow/machine.js';\nimport { t } from './i18n.js';\nexport type S = FlowState;${use('t')}`,
    ],
    [
      'src/testing/ok.ts',
      `import { buildHost } from '../host/buildHost.js';\nimport { createTerminal } from '../terminal/createTerminal.js';${use('[buildHost, createTerminal]')}`,
    ],
    [
      'drivers/nfc/PcscCardReader.test.ts',
      `import { PcscCardReader } from './hw/PcscCardReader.js';${use('PcscCardReader')}`,
    ],
    [
      'src/host/sms/gsm/ok.ts',
      `import { AtChannel } from '../../../../drivers/modem/AtChannel.js';\nimport { openSerialByteStream } from '../../../../drivers/modem/hw/serialByteStream.js';\nimport type { SmsTransport } from '../SmsTransport.js';\nexport type T = SmsTransport;${use('[AtChannel, openSerialByteStream]')}`,
    ],
    [
      'src/host/openHost.ts',
      `import { createGsmModemTransport } from './sms/gsm/createGsmModemTransport.js';${use('createGsmModemTransport')}`,
    ],
    [
      'scripts/virtualPhone.ts',
      `import { PcscCardReader } from '../drivers/nfc/hw/PcscCardReader.js';\nimport { SerialPort } from 'serialport';${use('[PcscCardReader, SerialPort]')}`,
    ],
  ])('allows %s: %s', async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });

  it('explains what is allowed', async () => {
    const [message] = await boundaryErrors(
      'drivers/nfc/bad.ts',
      `import { machine } from '../../src/terminal/flow/machine.js';${use('machine')}`,
    );
    expect(message).toBe(
      'drivers (drivers/nfc/bad.ts) may not import flow (src/terminal/flow/machine.js). Allowed: core, drivers.',
    );
  });

  it('says when `import type` would do', async () => {
    const [message] = await boundaryErrors(
      'ui/bad.ts',
      `import { machine } from '../src/terminal/flow/machine.js';${use('machine')}`,
    );
    expect(message).toMatch(/only with `import type`/);
  });
});
