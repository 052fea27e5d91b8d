import { describe, expect, it } from 'vitest';
import { ReceiptTracker } from './ReceiptTracker.js';

describe('ReceiptTracker', () => {
  it('reports a single part under its id, whatever case the receipt uses', () => {
    const tracker = new ReceiptTracker();
    tracker.track(['AbC1']);
    expect(tracker.settle({ messageId: 'ABC1', outcome: 'delivered' })).toEqual({
      transportRef: 'AbC1',
      delivered: true,
    });
  });

  it('reports a split message as delivered once every part is', () => {
    const tracker = new ReceiptTracker();
    tracker.track(['p1', 'p2', 'p3']);
    expect(tracker.settle({ messageId: 'p3', outcome: 'delivered' })).toBeUndefined();
    expect(tracker.settle({ messageId: 'p1', outcome: 'pending' })).toBeUndefined();
    expect(tracker.settle({ messageId: 'p1', outcome: 'delivered' })).toBeUndefined();
    expect(tracker.settle({ messageId: 'p2', outcome: 'delivered' })).toEqual({
      transportRef: 'p1',
      delivered: true,
    });
  });

  it('reports a split message as failed at its first failed part, once', () => {
    const tracker = new ReceiptTracker();
    tracker.track(['p1', 'p2']);
    expect(tracker.settle({ messageId: 'p2', outcome: 'failed' })).toEqual({
      transportRef: 'p1',
      delivered: false,
    });
    // The message is forgotten: a late receipt for the other part is passed on as is.
    expect(tracker.settle({ messageId: 'p1', outcome: 'delivered' })).toEqual({
      transportRef: 'p1',
      delivered: true,
    });
  });

  it('passes unknown ids through and forgets the oldest past its capacity', () => {
    const tracker = new ReceiptTracker(3);
    tracker.track(['a1', 'a2']);
    tracker.track(['b1', 'b2']);
    // a1 and a2 went together: a2 alone is unknown now.
    expect(tracker.settle({ messageId: 'a2', outcome: 'delivered' })).toEqual({
      transportRef: 'a2',
      delivered: true,
    });
    expect(tracker.settle({ messageId: 'b2', outcome: 'delivered' })).toBeUndefined();
  });
});
