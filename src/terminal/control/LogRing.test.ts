import { describe, expect, it } from 'vitest';
import { LogRing } from './LogRing.js';

describe('LogRing', () => {
  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new LogRing({ capacity: 0 })).toThrow(RangeError);
    expect(() => new LogRing({ capacity: 1.5 })).toThrow(RangeError);
  });

  it('keeps the last `capacity` lines, oldest first, and tail gives the newest ones', () => {
    const ring = new LogRing({ capacity: 3 });
    for (const n of [1, 2, 3, 4, 5]) ring.write(`line ${n}\n`);
    expect(ring.tail(10)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(ring.tail(2)).toEqual(['line 4', 'line 5']);
    expect(ring.tail(0)).toEqual([]);
  });

  it('splits a write holding several lines and skips empty ones', () => {
    const ring = new LogRing({ capacity: 10 });
    expect(ring.write('a\n\nb\nc\n')).toBe(true);
    expect(ring.tail(10)).toEqual(['a', 'b', 'c']);
  });

  it('passes every write on to forward, as written', () => {
    const forwarded: string[] = [];
    const ring = new LogRing({ capacity: 1, forward: { write: (text) => forwarded.push(text) } });
    ring.write('a\nb\n');
    ring.write('c\n');
    expect(forwarded).toEqual(['a\nb\n', 'c\n']);
  });

  it('tells followers every new line until they unfollow', () => {
    const ring = new LogRing({ capacity: 5 });
    ring.write('before\n');
    const heard: string[] = [];
    const unfollow = ring.follow((line) => heard.push(line));
    ring.write('one\ntwo\n');
    unfollow();
    ring.write('after\n');
    expect(heard).toEqual(['one', 'two']);
  });

  it('a follower that throws breaks neither logging nor the other followers', () => {
    const forwarded: string[] = [];
    const ring = new LogRing({ capacity: 5, forward: { write: (text) => forwarded.push(text) } });
    const heard: string[] = [];
    ring.follow(() => {
      throw new Error('the console went away');
    });
    ring.follow((line) => heard.push(line));
    expect(() => ring.write('x\ny\n')).not.toThrow();
    expect(heard).toEqual(['x', 'y']);
    expect(ring.tail(5)).toEqual(['x', 'y']);
    expect(forwarded).toEqual(['x\ny\n']);
  });
});
