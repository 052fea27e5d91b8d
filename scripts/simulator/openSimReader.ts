import { FakeCardReader } from '../../drivers/nfc/FakeCardReader.js';
import type { CardReader } from '../../drivers/nfc/CardReader.js';
import { PcscCardReader, type ReaderLog } from '../../drivers/nfc/hw/PcscCardReader.js';
import { VPCD_PORT, VirtualPhone } from '../virtual-phone/VirtualPhone.js';
import { FakeSimPhone } from './FakeSimPhone.js';
import type { SimPhone } from './SimPhone.js';
import { VirtualSimPhone } from './VirtualSimPhone.js';

/** The PC/SC name of vpcd's first reader, the one on port 35963. */
export const VPCD_READER_NAME = 'Virtual PCD 00 00';

/** The terminal's reader and the phone that is tapped on it. */
export interface SimReader {
  /** Give this to the terminal; it opens and closes it. */
  readonly reader: CardReader;
  readonly phone: SimPhone;
  readonly kind: 'fake' | 'pcsc';
}

/**
 * The reader and phone of a simulator run. `fake`: a `FakeCardReader` and a phone tapping it.
 * `pcsc`: the real `PcscCardReader` on vpcd's first reader (a USB reader beside it is left
 * alone: the phone is only on vpcd) and a `VirtualPhone` on vpcd's port, so the terminal
 * runs the board's own PC/SC driver against the phone applet's real APDUs.
 */
export function openSimReader(
  mode: 'fake' | 'pcsc',
  card: { readonly uid: string; readonly token: string },
  options: { readonly logger?: ReaderLog } = {},
): SimReader {
  if (mode === 'fake') {
    const reader = new FakeCardReader();
    return { reader, phone: new FakeSimPhone(reader, card), kind: 'fake' };
  }
  const reader = new PcscCardReader({
    readerName: VPCD_READER_NAME,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const phone = new VirtualPhone({ token: card.token, uid: card.uid, port: VPCD_PORT });
  return { reader, phone: new VirtualSimPhone(phone), kind: 'pcsc' };
}
