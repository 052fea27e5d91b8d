import { describe, expect, it } from 'vitest';
import { gsmModemConfigSchema } from './gsmModemConfig.js';

describe('gsmModemConfigSchema', () => {
  it('needs only the port, and fills in the rest', () => {
    expect(gsmModemConfigSchema.parse({ path: '/dev/ttyModemAT' })).toEqual({
      path: '/dev/ttyModemAT',
      baudRate: 115_200,
      commandTimeoutMs: 5000,
      submitTimeoutMs: 30_000,
      statusReports: true,
      validityMinutes: 1440,
      reconnectInitialMs: 1000,
      reconnectMaxMs: 60_000,
    });
  });

  it('refuses a missing port, unknown keys and values out of range', () => {
    expect(gsmModemConfigSchema.safeParse({}).success).toBe(false);
    expect(gsmModemConfigSchema.safeParse({ path: '/dev/x', pin: '1234' }).success).toBe(false);
    expect(gsmModemConfigSchema.safeParse({ path: '/dev/x', validityMinutes: 1 }).success).toBe(
      false,
    );
    expect(gsmModemConfigSchema.safeParse({ path: '/dev/x', baudRate: 1.5 }).success).toBe(false);
  });
});
