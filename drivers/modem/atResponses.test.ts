import { describe, expect, it } from 'vitest';
import {
  combineRegistration,
  parseCops,
  parseCpin,
  parseCsq,
  parseRegistration,
  signalBars,
  simStateOfError,
} from './atResponses.js';
import { parseFinal, type AtFinal } from './atParser.js';

const final = (line: string): AtFinal => {
  const parsed = parseFinal(line);
  if (!parsed) throw new Error(`not a final: ${line}`);
  return parsed;
};

describe('signal', () => {
  it('maps rssi to bars at the boundaries', () => {
    const bars = [undefined, 0, 1, 2, 7, 8, 12, 13, 17, 18, 22, 23, 31, 99].map(signalBars);
    expect(bars).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0]);
  });

  it('reads +CSQ with dBm, and 99 as unknown', () => {
    expect(parseCsq(['+CSQ: 20,99'])).toEqual({ rssi: 20, dbm: -73, bars: 4 });
    expect(parseCsq(['+CSQ: 99,99'])).toEqual({ rssi: undefined, dbm: undefined, bars: 0 });
    expect(parseCsq(['OK'])).toBeUndefined();
  });
});

describe('registration', () => {
  it('reads the solicited and the unsolicited forms', () => {
    expect(parseRegistration('+CREG: 1,5', true)).toEqual({
      kind: 'CREG',
      registration: 'roaming',
    });
    expect(parseRegistration('+CEREG: 2,1,"1A2B","01C2D3E4",7', true)).toEqual({
      kind: 'CEREG',
      registration: 'home',
    });
    expect(parseRegistration('+CREG: 2', false)?.registration).toBe('searching');
    expect(parseRegistration('+CREG: 3,"1A2B","0001"', false)?.registration).toBe('denied');
    expect(parseRegistration('+CGREG: 0', false)).toEqual({ kind: 'CGREG', registration: 'none' });
    expect(parseRegistration('+CREG: 4', false)?.registration).toBe('unknown');
    expect(parseRegistration('+CSQ: 1,1', false)).toBeUndefined();
    expect(parseRegistration('+CREG: x', false)).toBeUndefined();
  });

  it('combines CREG and CEREG', () => {
    expect(combineRegistration('searching', 'home')).toBe('home');
    expect(combineRegistration('none', 'denied')).toBe('denied');
    expect(combineRegistration('none', undefined)).toBe('none');
    expect(combineRegistration(undefined, undefined)).toBe('unknown');
  });
});

describe('operator and SIM', () => {
  it('reads the operator name', () => {
    expect(parseCops(['+COPS: 0,0,"CHINA MOBILE",7'])).toBe('CHINA MOBILE');
    expect(parseCops(['+COPS: 0'])).toBeUndefined();
  });

  it('reads +CPIN', () => {
    expect(parseCpin(['+CPIN: READY'])).toBe('ready');
    expect(parseCpin(['+CPIN: SIM PIN'])).toBe('locked');
    expect(parseCpin(['+CPIN: NOT INSERTED'])).toBe('missing');
    expect(parseCpin([])).toBeUndefined();
  });

  it('reads SIM errors from +CME ERROR in both forms', () => {
    expect(simStateOfError(final('+CME ERROR: SIM not inserted'))).toBe('missing');
    expect(simStateOfError(final('+CME ERROR: 10'))).toBe('missing');
    expect(simStateOfError(final('+CME ERROR: SIM PIN required'))).toBe('locked');
    expect(simStateOfError(final('+CME ERROR: 13'))).toBe('failed');
    expect(simStateOfError(final('+CME ERROR: SIM failure'))).toBe('failed');
    expect(simStateOfError(final('+CME ERROR: 30'))).toBeUndefined();
    expect(simStateOfError(final('ERROR'))).toBeUndefined();
  });
});
