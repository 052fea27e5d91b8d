import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashSupervisorPassword } from '../../src/terminal/effects/supervisorPassword.js';
import { SimulatorError } from './SimulatorError.js';
import { loadSimulatorState, saveSimulatorState, type SimulatorState } from './SimulatorState.js';

const dir = mkdtempSync(path.join(tmpdir(), 'combopay-state-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function sampleState(): Promise<SimulatorState> {
  return {
    version: 1,
    terminalId: 'T0000001',
    merchant: { id: 'M0000001', name: 'ComboPay 演示商户 Demo' },
    customer: {
      msisdn: '13800138000',
      cardUid: '04A1B2C3D4E5F6',
      cardToken: 'q3Zx8_Lk2mNp-Rt5Vw7Y',
    },
    supervisorPasswordHash: await hashSupervisorPassword('2468'),
    createdAt: '2026-11-23T08:00:00.000Z',
  };
}

function loadFailure(file: string): SimulatorError {
  try {
    loadSimulatorState(file);
  } catch (error) {
    if (error instanceof SimulatorError) return error;
    throw error;
  }
  throw new Error('loaded');
}

describe('simulator.json', () => {
  it('is absent on a first run', () => {
    expect(loadSimulatorState(path.join(dir, 'none.json'))).toBeUndefined();
  });

  it('round-trips, readable by its owner only (it holds the card token)', async () => {
    const file = path.join(dir, 'simulator.json');
    const state = await sampleState();
    await saveSimulatorState(file, state);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSimulatorState(file)).toEqual(state);
  });

  it('loads a state saved before the technician console (no technicianPasswordHash)', async () => {
    const file = path.join(dir, 'older.json');
    const state = await sampleState();
    expect(state).not.toHaveProperty('technicianPasswordHash');
    writeFileSync(file, JSON.stringify(state));
    expect(loadSimulatorState(file)).toEqual(state);
  });

  it('refuses to save a state that would not load', async () => {
    const bad = { ...(await sampleState()), terminalId: 'T 1' };
    await expect(saveSimulatorState(path.join(dir, 'bad.json'), bad)).rejects.toThrow();
  });

  it('is called corrupt, with --reset suggested and no value shown, when it is not a state', async () => {
    const file = path.join(dir, 'corrupt.json');
    writeFileSync(file, 'not json');
    expect(loadFailure(file).message).toMatch(/corrupt \(not JSON\).*--reset/);

    const state = await sampleState();
    writeFileSync(
      file,
      JSON.stringify({ ...state, customer: { ...state.customer, cardToken: 'short' } }),
    );
    const failure = loadFailure(file);
    expect(failure.message).toMatch(/corrupt \(customer\.cardToken: .*\).*--reset/);
    expect(failure.message).not.toContain('short');
    expect(failure.exitCode).toBe(1);
  });
});
