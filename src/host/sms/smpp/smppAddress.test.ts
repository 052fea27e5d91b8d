import { describe, expect, it } from 'vitest';
import { destinationAddress, sourceAddress } from './smppAddress.js';

describe('destinationAddress', () => {
  it('sends +86… as international without the +', () => {
    expect(destinationAddress('+8613800138000')).toEqual({
      ton: 1,
      npi: 1,
      addr: '8613800138000',
    });
  });

  it('leaves a number without + to the SMSC (TON unknown)', () => {
    expect(destinationAddress('13800138000')).toEqual({ ton: 0, npi: 1, addr: '13800138000' });
  });

  it('refuses what is not a phone number', () => {
    for (const bad of ['', '+', '138 0013', 'abc', `+${'1'.repeat(21)}`]) {
      expect(destinationAddress(bad)).toBeUndefined();
    }
  });
});

describe('sourceAddress', () => {
  it('derives TON and NPI from the sender, and lets the config override them', () => {
    expect(sourceAddress('ComboPay')).toEqual({ ton: 5, npi: 0, addr: 'ComboPay' });
    expect(sourceAddress('+8610086')).toEqual({ ton: 1, npi: 1, addr: '8610086' });
    expect(sourceAddress('10690000')).toEqual({ ton: 0, npi: 1, addr: '10690000' });
    expect(sourceAddress('10690000', 3, 0)).toEqual({ ton: 3, npi: 0, addr: '10690000' });
  });
});
