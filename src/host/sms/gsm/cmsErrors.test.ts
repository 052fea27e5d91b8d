import { describe, expect, it } from 'vitest';
import { describeCmsError, isPermanentCmsError } from './cmsErrors.js';

describe('isPermanentCmsError', () => {
  it.each([1, 21, 195, 196])('+CMS ERROR %i refuses the destination for good', (code) => {
    expect(isPermanentCmsError(code)).toBe(true);
  });

  it.each([8, 10, 28, 38, 41, 42, 47, 50, 193, 304, 330, 331, 332, 500])(
    '+CMS ERROR %i may pass, or another route may work',
    (code) => {
      expect(isPermanentCmsError(code)).toBe(false);
    },
  );

  it('never takes a verbose text or nothing for permanent', () => {
    expect(isPermanentCmsError('Unassigned (unallocated) number')).toBe(false);
    expect(isPermanentCmsError(undefined)).toBe(false);
  });
});

describe('describeCmsError', () => {
  it('names the numbers it knows and passes the rest through', () => {
    expect(describeCmsError(332)).toBe('332 (network timeout)');
    expect(describeCmsError(999)).toBe('999');
    expect(describeCmsError('Network timeout')).toBe('Network timeout');
  });
});
