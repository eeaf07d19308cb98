// Open connections per client address, capped: without a cap one client can open
// sockets until the process runs out of file descriptors, and then nobody else gets in.

export class AddressConnections {
  #max;
  #open = new Map(); // address -> open connections

  constructor({ max }) {
    this.#max = max;
  }

  /** Counts a connection from `address` and returns true, or false when it is at the cap. */
  tryOpen(address) {
    const count = this.#open.get(address) ?? 0;
    if (count >= this.#max) return false;
    this.#open.set(address, count + 1);
    return true;
  }

  /** A connection `tryOpen` counted has closed. */
  closed(address) {
    const count = this.#open.get(address) ?? 0;
    if (count <= 1) this.#open.delete(address);
    else this.#open.set(address, count - 1);
  }

}
