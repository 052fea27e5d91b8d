import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../core/logger.js';
import { ManualClock } from '../../../core/ManualClock.js';
import { PosError } from '../../../core/PosError.js';
import { TestSmsc } from './__fixtures__/TestSmsc.js';
import { createSmppTransport } from './createSmppTransport.js';
import { smppConfigSchema } from './smppConfigSchema.js';
import type { SmppTransport } from './SmppTransport.js';

const logger = createLogger({ name: 'host', level: 'silent' });
const minimal = { host: 'smsc.example', systemId: 'combopay', sourceAddress: 'ComboPay' };

function thrown(action: () => unknown): PosError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(PosError);
    return error as PosError;
  }
  throw new Error('nothing thrown');
}

describe('smppConfigSchema', () => {
  it('fills in the defaults', () => {
    expect(smppConfigSchema.parse(minimal)).toEqual({
      ...minimal,
      port: 2775,
      bindMode: 'transmitter',
      windowSize: 10,
      enquireLinkMs: 30_000,
      responseTimeoutMs: 10_000,
      reconnectMinMs: 1000,
      reconnectMaxMs: 60_000,
    });
  });

  it('refuses senders, ids and delays SMPP cannot carry', () => {
    for (const bad of [
      { sourceAddress: 'ComboPayShop' }, // alphanumeric senders stop at 11
      { sourceAddress: '+' },
      { systemId: 'a'.repeat(16) },
      { reconnectMinMs: 5000, reconnectMaxMs: 1000 },
      { bindMode: 'receiver' },
      { unknown: 1 },
    ]) {
      expect(smppConfigSchema.safeParse({ ...minimal, ...bad }).success).toBe(false);
    }
    expect(smppConfigSchema.safeParse({ ...minimal, sourceAddress: '+8610690000' }).success).toBe(
      true,
    );
  });
});

describe('createSmppTransport', () => {
  let smsc: TestSmsc | undefined;
  let transport: SmppTransport | undefined;

  afterEach(async () => {
    await transport?.close();
    await smsc?.close();
    transport = undefined;
    smsc = undefined;
  });

  it('binds with the password from passwordFile, trailing newline removed', async () => {
    smsc = await TestSmsc.start();
    const passwordFile = join(mkdtempSync(join(tmpdir(), 'smpp-pw-')), 'password');
    writeFileSync(passwordFile, `${smsc.credentials.password}\n`);
    const config = smppConfigSchema.parse({
      ...minimal,
      host: '127.0.0.1',
      port: smsc.port,
      passwordFile,
    });
    transport = createSmppTransport(config, { clock: new ManualClock(), logger, env: {} });
    expect(transport.name).toBe('smpp');
    const client = transport;
    await eventually(() => {
      expect(client.linkState).toBe('bound');
    });
    expect(smsc.binds[0]?.password).toBe(smsc.credentials.password);
  });

  it('needs a password, and names the file it cannot read', () => {
    const deps = { clock: new ManualClock(), logger, env: {} };
    const missing = thrown(() => createSmppTransport(smppConfigSchema.parse(minimal), deps));
    expect(missing.code).toBe('CONFIG_INVALID');
    expect(missing.message).toContain('POS_HOST_SMPP_PASSWORD');
    const unreadable = thrown(() =>
      createSmppTransport(
        smppConfigSchema.parse({ ...minimal, passwordFile: '/nonexistent/smpp-password' }),
        deps,
      ),
    );
    expect(unreadable).toMatchObject({
      code: 'CONFIG_INVALID',
      details: { field: 'passwordFile' },
    });
    expect(unreadable.message).toContain('/nonexistent/smpp-password');
  });
});

/** Waits for sockets to bring what `check` expects (generous: CI machines are slow). */
function eventually(check: () => void): Promise<void> {
  return vi.waitFor(check, { timeout: 5_000, interval: 10 });
}
