import { describe, expect, it } from 'vitest';
import { RequestWindow } from './RequestWindow.js';

describe('RequestWindow', () => {
  it('holds at most its size and hands places on in order', async () => {
    const window = new RequestWindow(2);
    const signal = new AbortController().signal;
    const first = await window.acquire(signal);
    await window.acquire(signal);
    const order: number[] = [];
    const third = window.acquire(signal).then((release) => {
      order.push(3);
      return release;
    });
    const fourth = window.acquire(signal).then(() => order.push(4));
    await Promise.resolve();
    expect(window.held).toBe(2);
    expect(order).toEqual([]);
    first();
    first(); // a second release frees nothing more
    (await third)();
    await fourth;
    expect(order).toEqual([3, 4]);
    expect(window.held).toBe(2);
  });

  it('lets a waiting caller give up', async () => {
    const window = new RequestWindow(1);
    const release = await window.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = window.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    release();
    expect(window.held).toBe(0);
  });
});
