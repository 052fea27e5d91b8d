import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './runCli.js';

/** Runs `pos-host` in-process against `env`, collecting its output. */
async function cli(env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    stop: new AbortController().signal,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('pos-host admin commands on the embedded database', () => {
  let dataDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pos-host-cli-'));
    env = { POS_HOST_DATA_DIR: dataDir };
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds a terminal, enrolls an account and texts its PIN to the outbox', async () => {
    const added = await cli(
      env,
      'terminals',
      'add',
      '--id',
      'T0000001',
      '--merchant-id',
      'M0001',
      '--merchant-name',
      '星巴克',
      '--json',
    );
    expect(added.code).toBe(0);
    const terminal = JSON.parse(added.stdout) as { terminalId: string; key: string };
    expect(terminal.terminalId).toBe('T0000001');
    expect(terminal.key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const enrolled = await cli(
      env,
      'accounts',
      'enroll',
      '--msisdn',
      '13800138000',
      '--card-uid',
      '04a1b2c3d4e5f6',
      '--balance',
      '5000',
      '--json',
    );
    expect(enrolled.code).toBe(0);
    expect(JSON.parse(enrolled.stdout)).toMatchObject({
      cardToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) as unknown,
    });

    const shown = await cli(env, 'accounts', 'show', '--msisdn', '13800138000', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({
      cardUid: '04A1B2C3D4E5F6',
      balance: { value: 5000, currency: 'CNY' },
      locked: false,
    });

    const outbox = await cli(env, 'sms', 'outbox', '--msisdn', '13800138000', '--json');
    const messages = JSON.parse(outbox.stdout) as { to: string; text: string }[];
    expect(messages).toHaveLength(1);
    expect(messages[0]?.to).toBe('13800138000');
    expect(messages[0]?.text).toMatch(/支付密码是\d{6}/);

    const status = await cli(env, 'sms', 'status', '--msisdn', '13800138000', '--json');
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual([
      expect.objectContaining({
        to: '138****8000',
        kind: 'enrollment_pin',
        status: 'accepted',
        transport: 'outbox',
        transportRef: expect.stringMatching(/^outbox-\d+$/) as unknown,
        attempts: 1,
        lastError: null,
        acceptedAt: expect.any(String) as unknown,
        delivery: null,
        deliveryAt: null,
      }),
    ]);
    const pin = /\d{6}/.exec(messages[0]?.text ?? '')?.[0] ?? 'no pin';
    expect(status.stdout).not.toContain(pin);
    const plain = await cli(env, 'sms', 'status');
    expect(plain.stdout).toMatch(
      /kind=enrollment_pin {2}status=accepted {2}attempts=1 {2}transport=outbox/,
    );
    expect(plain.stdout).not.toContain(pin);
  });

  it('migrates (nothing left to apply on a second run) and disables a terminal', async () => {
    const migrated = await cli(env, 'migrate', '--json');
    expect(migrated.code).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ applied: [], latest: '0002_sms_delivery' });
    const disabled = await cli(
      env,
      'terminals',
      'disable',
      '--id',
      'T0000001',
      '--reason',
      'stolen',
      '--json',
    );
    expect(JSON.parse(disabled.stdout)).toEqual({ terminalId: 'T0000001', disabled: true });
    const listed = await cli(env, 'terminals', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { terminalId: 'T0000001', disabled: true, batch: '000001' },
    ]);
    const missing = await cli(env, 'terminals', 'disable', '--id', 'T0000404');
    expect(missing.code).toBe(2);
  });

  it('refuses bad options with exit status 2, naming each option, and changes nothing', async () => {
    const bad = await cli(env, 'accounts', 'enroll', '--msisdn', '12ab', '--card-uid', '04A1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--msisdn');
    expect(bad.stderr).toContain('--card-uid');
    const unknownOption = await cli(env, 'accounts', 'show', '--phone', '13800138000');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain('--phone');
    const unknownCommand = await cli(env, 'accounts', 'delete');
    expect(unknownCommand.code).toBe(2);
    const noReason = await cli(env, 'accounts', 'unlock', '--msisdn', '13800138000');
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
  });

  it('unlocks with an audited reason and tops up', async () => {
    const topped = await cli(
      env,
      'accounts',
      'topup',
      '--msisdn',
      '13800138000',
      '--amount',
      '2500',
      '--json',
    );
    expect(JSON.parse(topped.stdout)).toMatchObject({ balance: { value: 7500 } });
    const unlocked = await cli(
      { ...env, USER: 'operator-ann' },
      'accounts',
      'unlock',
      '--msisdn',
      '13800138000',
      '--reason',
      'customer called',
      '--json',
    );
    expect(unlocked.code).toBe(0);
    const unknown = await cli(env, 'accounts', 'show', '--msisdn', '13900000000');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('CARD_UNKNOWN');
  });

  it('prints its usage for --help and exits 2 with no command', async () => {
    const help = await cli(env, '--help');
    expect(help.code).toBe(0);
    for (const command of [
      'serve',
      'migrate',
      'terminals add',
      'accounts enroll',
      'accounts unlock',
      'sms outbox',
      'payments list',
    ]) {
      expect(help.stdout).toContain(command);
    }
    expect((await cli(env)).code).toBe(2);
  });

  it('refuses plain HTTP on a non-loopback address before opening anything', async () => {
    const refused = await cli(
      { ...env, POS_HOST_TLS: 'off', POS_HOST_LISTEN: '0.0.0.0:18443' },
      'serve',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('CONFIG_INVALID');
  });

  it('names a bad environment variable', async () => {
    const bad = await cli({ ...env, POS_HOST_MAX_ATTEMPTS: 'three' }, 'migrate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('POS_HOST_MAX_ATTEMPTS');
  });
});
