import { describe, expect, it } from 'vitest';
import { encodableText, needsMultiByte } from './encodableText.js';

describe('encodableText', () => {
  it('keeps printable ASCII and replaces the rest with ? for an ASCII printer', () => {
    expect(encodableText('Café 12.50 幸运', 'ascii')).toBe('Caf? 12.50 ??');
  });

  it('keeps GBK characters for a Chinese printer and replaces what its font lacks', () => {
    expect(encodableText('幸运面馆 ＡＢ，。 Lucky', 'gbk')).toBe('幸运面馆 ＡＢ，。 Lucky');
    expect(encodableText('𠀀😀\u0301', 'gbk')).toBe('???');
  });

  it('tells text that needs the multi-byte character set', () => {
    expect(needsMultiByte('Lucky Noodle 01')).toBe(false);
    expect(needsMultiByte('幸运')).toBe(true);
    expect(needsMultiByte('é')).toBe(true);
  });
});
