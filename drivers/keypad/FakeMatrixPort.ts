import type { Key } from './Keypad.js';
import type { KeyMatrix, MatrixPort } from './matrixScanner.js';

/**
 * A simulated key matrix without diodes, for tests: {@link close} and {@link open} a key's
 * contact. A column reads closed when any path of closed contacts joins it to the selected
 * row, so three closed keys on the corners of a rectangle make the fourth read closed too
 * (ghosting), as on a real diode-less matrix.
 *
 * It throws when two rows are selected at once, and {@link fail} makes the next read throw.
 */
export class FakeMatrixPort implements MatrixPort {
  readonly #keyMap: KeyMatrix;
  readonly #closed = new Set<string>();
  readonly #selected = new Set<number>();
  #failure: Error | undefined;
  /** Rows selected so far, in order (for checking the scan order). */
  readonly selections: number[] = [];

  constructor(keyMap: KeyMatrix) {
    this.#keyMap = keyMap;
  }

  /** Closes the contact of each of `keys`. */
  close(...keys: Key[]): void {
    for (const key of keys) this.#closed.add(this.#place(key));
  }

  /** Opens the contact of each of `keys`. */
  open(...keys: Key[]): void {
    for (const key of keys) this.#closed.delete(this.#place(key));
  }

  /** Makes every read throw `error` from now on (undefined heals it). */
  fail(error: Error | undefined): void {
    this.#failure = error;
  }

  driveRow(row: number, active: boolean): void {
    if (active) {
      if (this.#selected.size > 0) throw new Error(`row ${row} selected with another`);
      this.selections.push(row);
      this.#selected.add(row);
    } else {
      this.#selected.delete(row);
    }
  }

  readColumns(): readonly boolean[] {
    if (this.#failure) throw this.#failure;
    const [row] = this.#selected;
    const columns = this.#keyMap[0]?.length ?? 0;
    if (row === undefined) return Array.from({ length: columns }, () => false);
    const rows = new Set([row]);
    const reached = new Set<number>();
    for (let grown = true; grown;) {
      grown = false;
      for (const place of this.#closed) {
        const [r, c] = place.split(',').map(Number) as [number, number];
        if (rows.has(r) && !reached.has(c)) {
          reached.add(c);
          grown = true;
        }
        if (reached.has(c) && !rows.has(r)) {
          rows.add(r);
          grown = true;
        }
      }
    }
    return Array.from({ length: columns }, (_, column) => reached.has(column));
  }

  #place(key: Key): string {
    for (const [row, keys] of this.#keyMap.entries()) {
      const column = keys.indexOf(key);
      if (column >= 0) return `${row},${column}`;
    }
    throw new TypeError(`no ${key} on this matrix`);
  }
}
