import { describe, expect, it } from 'vitest';
import {
  faultOf,
  isStatusByte,
  readRealTimeStatus,
  statusAnswer,
  statusRequest,
  toPrinterStatus,
} from './realTimeStatus.js';

describe('real-time status (DLE EOT)', () => {
  it('asks with DLE EOT n', () => {
    expect([...statusRequest(1)]).toEqual([0x10, 0x04, 0x01]);
    expect([...statusRequest(4)]).toEqual([0x10, 0x04, 0x04]);
  });

  it('tells status answers (bits 1 and 4 set, 0 and 7 clear) from other bytes', () => {
    expect([0x12, 0x16, 0x1a, 0x72, 0x7e].every(isStatusByte)).toBe(true);
    expect([0x00, 0x0c, 0x13, 0x92, 0x02, 0x10].some(isStatusByte)).toBe(false);
  });

  it('reads a ready printer', () => {
    const status = readRealTimeStatus({ 1: 0x16, 2: 0x12, 4: 0x12 });
    expect(status).toEqual({
      offline: false,
      coverOpen: false,
      paperOut: false,
      paperNearEnd: false,
      error: false,
    });
    expect(faultOf(status)).toBeUndefined();
    expect(toPrinterStatus(status)).toEqual({ paper: 'ok', coverOpen: false, online: true });
  });

  it('reads the paper end from the roll sensor (DLE EOT 4, bits 5-6) or the offline cause (DLE EOT 2, bit 5)', () => {
    expect(faultOf(readRealTimeStatus({ 1: 0x1e, 2: 0x12, 4: 0x72 }))).toBe('PRINTER_PAPER_OUT');
    expect(faultOf(readRealTimeStatus({ 1: 0x1e, 2: 0x32, 4: 0x12 }))).toBe('PRINTER_PAPER_OUT');
    const nearEnd = readRealTimeStatus({ 1: 0x16, 2: 0x12, 4: 0x1e });
    expect(nearEnd.paperNearEnd).toBe(true);
    expect(faultOf(nearEnd)).toBeUndefined();
  });

  it('puts an open cover before the paper end, and an error after both', () => {
    expect(faultOf(readRealTimeStatus({ 1: 0x1e, 2: 0x36, 4: 0x72 }))).toBe('PRINTER_COVER_OPEN');
    expect(faultOf(readRealTimeStatus({ 1: 0x1e, 2: 0x52, 4: 0x12 }))).toBe('PRINTER_UNAVAILABLE');
    expect(faultOf(readRealTimeStatus({ 1: 0x1e, 2: 0x72, 4: 0x72 }))).toBe('PRINTER_PAPER_OUT');
  });

  it('answers as an emulated printer in the same encoding it reads', () => {
    for (const state of [
      { coverOpen: false, paperOut: false },
      { coverOpen: true, paperOut: false },
      { coverOpen: false, paperOut: true },
      { coverOpen: false, paperOut: false, error: true },
    ]) {
      const answers = {
        1: statusAnswer(1, state),
        2: statusAnswer(2, state),
        4: statusAnswer(4, state),
      };
      expect(Object.values(answers).every(isStatusByte)).toBe(true);
      const status = readRealTimeStatus(answers);
      expect(status).toMatchObject({ coverOpen: state.coverOpen, paperOut: state.paperOut });
      expect(status.offline).toBe(state.coverOpen || state.paperOut || state.error === true);
    }
  });
});
