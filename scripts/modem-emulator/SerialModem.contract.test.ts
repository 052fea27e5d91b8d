import { describeModemContract } from '../../drivers/modem/modemContract.js';
import { startPtyModemRig } from './ptyRig.js';

// The same suite as FakeModem's, against the real driver, serialport and a socat PTY pair.
describeModemContract(
  'SerialModem + AT emulator over a PTY pair',
  async (options) => {
    const rig = await startPtyModemRig({
      emulator: { sim: options.sim === 'missing' ? 'missing' : 'ready' },
    });
    const { emulator } = rig;
    return {
      modem: rig.modem,
      setSignal: (rssi) => {
        emulator.setSignal(rssi);
      },
      loseSignal: () => {
        emulator.loseSignal();
      },
      restoreSignal: () => {
        emulator.restoreSignal();
      },
      setSim: (sim) => {
        emulator.setSim(sim);
      },
      mute: (prefix) => {
        emulator.mute(prefix);
      },
      drop: () => rig.unplug(),
      restore: () => rig.plug(),
      dispose: () => rig.dispose(),
    };
  },
  { noticeMs: 500 },
);
