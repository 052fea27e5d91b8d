import { describe, expect, it } from 'vitest';
import { flowEventOf, pcKeyAction } from './keymap.js';

describe('keymap', () => {
  it('sends every keypad key to the flow as a KEY event', () => {
    expect(flowEventOf('7')).toEqual({ type: 'KEY', key: '7' });
    expect(flowEventOf('CANCEL')).toEqual({ type: 'KEY', key: 'CANCEL' });
  });

  it('maps the PC keyboard the way the simulator shows it', () => {
    const keys = (names: string[]) => names.map((name) => pcKeyAction(name));
    expect(keys(['0', '9', 'return', 'backspace', 'delete', 'escape', 'f1', 'f4'])).toEqual(
      ['0', '9', 'OK', 'BACKSPACE', 'CLEAR', 'CANCEL', 'F1', 'F4'].map((key) => ({
        kind: 'key',
        key,
      })),
    );
    expect(pcKeyAction('t')).toEqual({ kind: 'tap' });
    expect(pcKeyAction('p')).toEqual({ kind: 'pull' });
    expect(pcKeyAction('C-c')).toEqual({ kind: 'quit' });
  });

  it('ignores every other key', () => {
    for (const name of [
      'enter',
      'a',
      'x',
      'f5',
      'up',
      'tab',
      'space',
      '10',
      'C-d',
      'constructor',
    ]) {
      expect(pcKeyAction(name)).toBeUndefined();
    }
  });
});
