import { describe, expect, it } from 'vitest';
import { charWidth } from '../../src/core/displayWidth.js';
import type { Messages } from './Messages.js';
import { messagesFor } from './messagesFor.js';

const DETAILS = {
  attemptsLeft: 2,
  retryAfterSeconds: 30,
  until: '2026-01-02 11:30',
  limit: '¥5.00',
  pendingLeft: 2,
};

/** Arguments to call a catalogue function with, by its path: every shape it reads. */
function sampleCalls(path: string): unknown[][] {
  if (path.startsWith('reasons.')) return [[{}], [DETAILS], [{ ...DETAILS, attemptsLeft: 0 }]];
  if (path === 'settle.count') {
    return [
      ['sale', 1],
      ['void', 2],
      ['refund', 3],
    ];
  }
  // Counts, batch numbers, phone numbers, `mm:ss`: a number reads in all of them.
  return [[1], [2]];
}

/**
 * Every leaf of a catalogue by its path: strings as they are, functions called with sample
 * arguments, lists of alternatives (status forms, keymap lines) as one leaf.
 */
function leaves(value: unknown): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const asTexts = (result: unknown): string[] =>
    Array.isArray(result) ? result.map(String) : [String(result)];
  const visit = (node: unknown, at: string): void => {
    if (typeof node === 'string' || Array.isArray(node)) {
      found.set(at, asTexts(node));
    } else if (typeof node === 'function') {
      const call = node as (...args: unknown[]) => unknown;
      found.set(
        at,
        sampleCalls(at).flatMap((args) => asTexts(call(...args))),
      );
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node))
        visit(child, at === '' ? key : `${at}.${key}`);
    } else {
      found.set(at, [`not a text: ${String(node)}`]);
    }
  };
  visit(value, '');
  return found;
}

/** One column on every console, or two: ASCII, the yen sign, or East Asian wide. */
function unambiguous(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || char === '¥' || charWidth(char) === 2;
}

const zh = leaves(messagesFor('zh-CN'));
const en = leaves(messagesFor('en'));

describe('message catalogues', () => {
  it('have the same keys in both languages, nested lists included', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    // The reasons alone are more than 60; a broken walk would find a handful.
    expect(zh.size).toBeGreaterThan(150);
  });

  it('give each language its own catalogue', () => {
    const zhMessages: Messages = messagesFor('zh-CN');
    expect(zhMessages.idle.tapPhone).toBe('请轻触手机');
    expect(messagesFor('en').idle.tapPhone).toBe('Tap your phone');
  });

  it('have no empty text and no leaked "undefined"', () => {
    for (const [path, texts] of [...zh, ...en]) {
      for (const text of texts) {
        expect(text.trim(), path).not.toBe('');
        expect(text, path).not.toMatch(/undefined|NaN|not a text/);
      }
    }
  });

  it('use only characters whose width every console agrees on', () => {
    for (const [path, texts] of [...zh, ...en]) {
      for (const text of texts) {
        const odd = Array.from(text).filter((char) => !unambiguous(char));
        expect(odd, `${path}: ${text}`).toEqual([]);
      }
    }
  });

  it('say the Chinese texts in Chinese, not in English', () => {
    // Key caps, the brand, codes and pictures are the same in both languages on purpose.
    const sameOnPurpose = /^(keys\.|idle\.title|currencies\.|status\.signal)/;
    let chinese = 0;
    for (const [path, texts] of zh) {
      if (sameOnPurpose.test(path)) continue;
      const english = en.get(path) ?? [];
      expect(texts, path).not.toEqual(english);
      if (texts.some((text) => /\p{Script=Han}/u.test(text))) chinese += 1;
    }
    // Every zh text outside those has Chinese in it, the keymap's key names aside.
    const exempt = [...zh.keys()].filter((path) => sameOnPurpose.test(path)).length;
    expect(chinese).toBe(zh.size - exempt);
    for (const [path, texts] of en) {
      for (const text of texts) expect(text, path).not.toMatch(/\p{Script=Han}/u);
    }
  });
});
