import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/ManualClock.js';
import { createGsmModemTransport } from './createGsmModemTransport.js';
import { gsmModemConfigSchema } from './gsmModemConfig.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

describe('createGsmModemTransport', () => {
  it('opens the configured port lazily, and retries it on the configured backoff', async () => {
    const clock = new ManualClock();
    const opened: [string, number][] = [];
    const transport = createGsmModemTransport(
      gsmModemConfigSchema.parse({
        path: '/dev/ttyModemAT',
        baudRate: 9600,
        reconnectInitialMs: 700,
        reconnectMaxMs: 100, // below the first wait: the first wait wins, nothing throws
      }),
      {
        clock,
        logger: quiet,
        openPort: (path, baudRate) => {
          opened.push([path, baudRate]);
          return Promise.reject(new Error('ENOENT'));
        },
      },
    );
    expect(transport.name).toBe('gsm-modem');
    expect(opened).toEqual([]);
    await expect(transport.start()).rejects.toMatchObject({
      code: 'SMS_UNAVAILABLE',
      message: 'cannot open the GSM modem port /dev/ttyModemAT',
    });
    expect(opened).toEqual([['/dev/ttyModemAT', 9600]]);
    clock.advance(699);
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toHaveLength(1);
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(opened).toHaveLength(2);
    await transport.close();
    clock.advance(10_000);
    expect(opened).toHaveLength(2);
  });
});
