import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../src/host/sms/OutboxTransport.js';
import { PhoneInbox, type PhoneMessage } from './PhoneInbox.js';

/** An outbox the test appends to, as the host's SMS queue would. */
class Outbox {
  readonly messages: OutboxMessage[] = [];
  reads = 0;
  failNext = false;

  add(text: string, at = '2026-11-23T08:00:00.000Z'): void {
    this.messages.push({ to: '13800138000', text, createdAt: at });
  }

  readonly source = (): Promise<readonly OutboxMessage[]> => {
    this.reads += 1;
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('database closed'));
    }
    return Promise.resolve([...this.messages]);
  };
}

const inboxes: PhoneInbox[] = [];
afterEach(async () => {
  await Promise.all(inboxes.splice(0).map((inbox) => inbox.close()));
});

function open(outbox: Outbox, options: ConstructorParameters<typeof PhoneInbox>[1] = {}) {
  const inbox = new PhoneInbox(outbox.source, { intervalMs: 20, ...options });
  inboxes.push(inbox);
  return inbox;
}

const texts = (messages: readonly PhoneMessage[]) => messages.map((message) => message.text);

async function until(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('PhoneInbox', () => {
  it('shows the whole history first, then each new text once, in order', async () => {
    const outbox = new Outbox();
    outbox.add('PIN 111111');
    outbox.add('code 222222');
    const inbox = open(outbox);
    const heard: string[] = [];
    inbox.onMessage((message) => heard.push(message.text));
    await until(() => heard.length === 2);
    expect(heard).toEqual(['PIN 111111', 'code 222222']);

    outbox.add('code 333333');
    await until(() => heard.length === 3);
    const reads = outbox.reads;
    await until(() => outbox.reads >= reads + 3);
    expect(heard).toEqual(['PIN 111111', 'code 222222', 'code 333333']);
    expect(inbox.messages.map((message) => message.index)).toEqual([0, 1, 2]);
  });

  it('replays what it has shown to a listener added late', async () => {
    const outbox = new Outbox();
    outbox.add('PIN 111111');
    const inbox = open(outbox);
    await inbox.poll();
    const heard: string[] = [];
    inbox.onMessage((message) => heard.push(message.text));
    expect(heard).toEqual(['PIN 111111']);
  });

  it('marks as unread only what arrived since it was told, with the time of each', async () => {
    const outbox = new Outbox();
    outbox.add('old', '2026-11-23T08:00:00.000Z');
    outbox.add('new', '2026-11-23T09:00:00.000Z');
    const inbox = open(outbox, { since: Date.parse('2026-11-23T08:30:00.000Z') });
    await inbox.poll();
    expect(inbox.messages).toEqual([
      { index: 0, text: 'old', at: Date.parse('2026-11-23T08:00:00.000Z'), unread: false },
      { index: 1, text: 'new', at: Date.parse('2026-11-23T09:00:00.000Z'), unread: true },
    ]);
  });

  it('a second inbox on the same outbox (the next start) shows the same history, once', async () => {
    const outbox = new Outbox();
    outbox.add('PIN 111111');
    outbox.add('code 222222');
    const first = open(outbox);
    await first.poll();
    await first.close();
    const second = open(outbox);
    await second.poll();
    await second.poll();
    expect(texts(second.messages)).toEqual(['PIN 111111', 'code 222222']);
  });

  it('reports a failed look and keeps polling', async () => {
    const outbox = new Outbox();
    outbox.failNext = true;
    const errors: unknown[] = [];
    const inbox = open(outbox, { onError: (error) => errors.push(error) });
    await until(() => errors.length === 1);
    outbox.add('PIN 111111');
    await until(() => inbox.messages.length === 1);
  });

  it('stops looking once closed, after the look under way', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    let finished = false;
    const inbox = new PhoneInbox(
      async () => {
        reads += 1;
        await new Promise<void>((resolve) => (release = resolve));
        finished = true;
        return [{ to: '13800138000', text: 'late', createdAt: '2026-11-23T08:00:00.000Z' }];
      },
      { intervalMs: 10 },
    );
    await until(() => reads === 1);
    const closed = inbox.close().then(() => finished);
    release();
    expect(await closed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(reads).toBe(1);
    // What the look found after close is not shown: the panel is gone.
    expect(inbox.messages).toEqual([]);
  });
});
