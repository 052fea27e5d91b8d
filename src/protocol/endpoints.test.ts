import { describe, expect, it } from 'vitest';
import { endpointPath, endpoints } from './endpoints.js';

describe('endpoints', () => {
  it('lists the paths of protocol.md under /v1', () => {
    const table = Object.values(endpoints).map((e) => `${e.method} ${e.path}`);
    expect(table.sort()).toEqual(
      [
        'GET /v1/health',
        'POST /v1/terminals/sign-in',
        'POST /v1/payments',
        'POST /v1/payments/:paymentId/confirm',
        'POST /v1/payments/:paymentId/resend-otp',
        'GET /v1/payments/:paymentId',
        'GET /v1/payments',
        'POST /v1/payments/:paymentId/reverse',
        'POST /v1/payments/:paymentId/void',
        'POST /v1/refunds',
        'POST /v1/batches/:batch/settle',
      ].sort(),
    );
    expect(Object.values(endpoints).filter((e) => !e.signed)).toEqual([endpoints.health]);
  });

  it('validates the parameters of every path that has any', () => {
    for (const endpoint of Object.values(endpoints)) {
      expect('params' in endpoint, endpoint.path).toBe(endpoint.path.includes(':'));
    }
  });

  it('fills path parameters (encoded) and appends the query in order', () => {
    expect(endpointPath(endpoints.confirmPayment, { paymentId: 'pay_01' })).toBe(
      '/v1/payments/pay_01/confirm',
    );
    expect(endpointPath(endpoints.getPayment, { paymentId: 'a/b?c' })).toBe(
      '/v1/payments/a%2Fb%3Fc',
    );
    expect(endpointPath(endpoints.findPayment, {}, { batch: '000001', trace: '000123' })).toBe(
      '/v1/payments?batch=000001&trace=000123',
    );
    expect(endpointPath(endpoints.settleBatch, { batch: '000001' })).toBe(
      '/v1/batches/000001/settle',
    );
    expect(() => endpointPath(endpoints.confirmPayment)).toThrow(/paymentId/);
  });
});
