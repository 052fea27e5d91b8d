import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.js';
import { FakeHttpSmsGateway } from '../testing/FakeHttpSmsGateway.js';
import { enrollAccount } from './accounts/accountAdmin.js';
import type { HostApp } from './buildHost.js';
import { loadHostConfig } from './hostConfig.js';
import { openHost } from './openHost.js';

const SECRET = 'kannel-Pa55word';
const logger = createLogger({ name: 'host', level: 'silent' });

describe('openHost with configured SMS transports', () => {
  let dir: string;
  let gateway: FakeHttpSmsGateway;
  let app: HostApp | undefined;
  let dataDirs = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'open-host-sms-'));
    writeFileSync(join(dir, 'kannel.secret'), `${SECRET}\n`);
    gateway = await FakeHttpSmsGateway.start({
      dialect: 'kannel',
      user: 'combopay',
      secret: SECRET,
    });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await gateway.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A config file for a fresh embedded database, with `extra` on top. */
  function config(extra: Record<string, unknown>, env: Record<string, string> = {}) {
    dataDirs += 1;
    const file = join(dir, `config-${dataDirs}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        dataDir: join(dir, `data-${dataDirs}`),
        smsBudgetMs: 2_000,
        sms: {
          http: {
            url: `${gateway.origin}/cgi-bin/sendsms?username={user}&password={password}&to={to}&text={text}`,
            user: 'combopay',
            secretFile: join(dir, 'kannel.secret'),
            acceptStatuses: [202],
            successPattern: '^[03]: ',
          },
          // No modem on this path: the transport cannot start, and the queue fails over.
          gsmModem: { path: join(dir, 'no-such-modem'), commandTimeoutMs: 200 },
        },
        ...extra,
      }),
    );
    return loadHostConfig({ POS_HOST_CONFIG: file, ...env });
  }

  const enroll = (host: HostApp, msisdn: string) =>
    enrollAccount(host.context, {
      msisdn,
      cardUid: `04A1B2C3D4E5${msisdn.slice(-2)}`,
      currency: 'CNY',
      balance: 0,
      actor: 'test',
    });

  const smsRow = (host: HostApp, id: string) =>
    host.context.db
      .selectFrom('sms_messages')
      .select(['status', 'transport', 'last_error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('sends the enrollment PIN through the configured HTTP gateway', async () => {
    ({ app } = await openHost(config({ smsTransport: 'http' }), logger));
    expect(app.context.sms.transportNames).toEqual(['http']);
    const { smsId } = await enroll(app, '13800138001');
    expect(gateway.messages.at(-1)).toEqual({
      to: '13800138001',
      text: expect.stringMatching(/支付密码是\d{6}/) as unknown,
    });
    expect(await smsRow(app, smsId)).toMatchObject({ status: 'accepted', transport: 'http' });
  });

  it('fails over from a modem that is not there to the HTTP gateway, in the configured order', async () => {
    ({ app } = await openHost(config({}, { POS_HOST_SMS_TRANSPORT: 'gsm-modem,http' }), logger));
    expect(app.context.sms.transportNames).toEqual(['gsm-modem', 'http']);
    const before = gateway.messages.length;
    const { smsId } = await enroll(app, '13800138002');
    expect(gateway.messages.slice(before)).toHaveLength(1);
    const row = await smsRow(app, smsId);
    expect(row).toMatchObject({ status: 'accepted', transport: 'http' });
  });

  it('leaves an admin command’s text queued for the serving host when told not to send', async () => {
    ({ app } = await openHost(config({ smsTransport: 'http' }), logger, { sendSms: false }));
    const before = gateway.messages.length;
    const { smsId } = await enroll(app, '13800138003');
    expect(gateway.messages.length).toBe(before);
    expect(await smsRow(app, smsId)).toMatchObject({ status: 'queued', transport: null });
  });

  it('names the SMPP password it cannot find under sms.smpp', async () => {
    const smpp = config({
      smsTransport: 'smpp',
      sms: { smpp: { host: '127.0.0.1', systemId: 'combopay', sourceAddress: 'ComboPay' } },
    });
    await expect(openHost(smpp, logger, { env: {} })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: { issues: [expect.objectContaining({ field: 'sms.smpp.passwordFile' })] },
    });
  });

  it('refuses to open without a transport’s secret, naming the field', async () => {
    const missing = config({
      smsTransport: 'http',
      sms: {
        http: {
          url: `${gateway.origin}/send?to={to}&text={text}&key={password}`,
          secretFile: join(dir, 'absent.secret'),
        },
      },
    });
    await expect(openHost(missing, logger)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      details: { issues: [expect.objectContaining({ field: 'sms.http.secretFile' })] },
    });
  });
});
