import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveReaderMode, vpcdListening, type ReaderProbes } from './resolveReaderMode.js';
import { SimulatorError } from './SimulatorError.js';

function probes(pcscd: boolean, vpcd: boolean): ReaderProbes & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    pcscd: () => {
      asked.push('pcscd');
      return Promise.resolve(pcscd);
    },
    vpcd: () => {
      asked.push('vpcd');
      return Promise.resolve(vpcd);
    },
  };
}

describe('resolveReaderMode', () => {
  it('takes fake as asked, without looking for pcscd', async () => {
    const p = probes(true, true);
    expect(await resolveReaderMode('fake', p)).toBe('fake');
    expect(p.asked).toEqual([]);
  });

  it('auto: PC/SC when pcscd answers and vpcd listens, else fake', async () => {
    expect(await resolveReaderMode('auto', probes(true, true))).toBe('pcsc');
    expect(await resolveReaderMode('auto', probes(false, true))).toBe('fake');
    expect(await resolveReaderMode('auto', probes(true, false))).toBe('fake');
  }, 10_000);

  it('pcsc: refused with the reason when it cannot work', async () => {
    expect(await resolveReaderMode('pcsc', probes(true, true))).toBe('pcsc');
    const noDaemon = resolveReaderMode('pcsc', probes(false, false));
    await expect(noDaemon).rejects.toBeInstanceOf(SimulatorError);
    await expect(resolveReaderMode('pcsc', probes(false, false))).rejects.toThrow(
      /pcscd does not answer/,
    );
    await expect(resolveReaderMode('pcsc', probes(true, false))).rejects.toThrow(
      /vpcd does not listen on port 35963/,
    );
  }, 10_000);
});

describe('vpcdListening', () => {
  it('sees a listening port without connecting to it', async () => {
    let connections = 0;
    const server = createServer(() => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    expect(await vpcdListening(address.port)).toBe(true);
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
    });
    expect(await vpcdListening(address.port)).toBe(false);
    expect(connections).toBe(0);
  });
});
