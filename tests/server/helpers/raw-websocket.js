// A WebSocket client on a bare TCP socket (node:net) that can send frames no
// well-behaved library would: unmasked, reserved opcodes or bits, lengths it never
// sends, broken UTF-8. It reads the server's frames (text and close) so a test can see
// what the server answered and with which close code.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

/**
 * One client frame as bytes. `length` declares a payload length other than the one sent
 * (a header announcing more than follows); `rsv` is the three reserved bits (0-7).
 */
export function encodeFrame({ opcode = OPCODE.text, payload = Buffer.alloc(0), fin = true, rsv = 0, masked = true, length } = {}) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const declared = length ?? body.length;
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  if (declared < 126) head.push(maskBit | declared);
  else if (declared < 65536) head.push(maskBit | 126, declared >> 8, declared & 0xff);
  else {
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(declared));
    head.push(maskBit | 127, ...big);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), body]);
  const key = randomBytes(4);
  const maskedBody = Buffer.from(body);
  for (let i = 0; i < maskedBody.length; i += 1) maskedBody[i] ^= key[i % 4];
  return Buffer.concat([Buffer.from(head), key, maskedBody]);
}

export const textFrame = (text) => encodeFrame({ payload: Buffer.from(typeof text === 'string' ? text : JSON.stringify(text)) });

export class RawWebSocket {
  #socket;
  #buffer = Buffer.alloc(0);
  #texts = [];
  #waiters = [];
  /** The code of the server's close frame, once it came. */
  closeCode = null;
  /** Resolves to the server's close code (null when the connection ended without one). */
  closed;
  /** True once the TCP connection has closed. */
  ended = false;

  /**
   * Opens the TCP connection and completes the handshake.
   * @param {{host?: string, port: number, path: string, origin?: string, cookie?: string, localAddress?: string}} options
   */
  static async open({ host = '127.0.0.1', port, path, origin, cookie, localAddress }) {
    const socket = connect({ host, port, localAddress });
    socket.on('error', () => {}); // a reset is an outcome the tests read from `closed`
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('close', () => reject(new Error('connection closed before the handshake')));
    });
    socket.write([
      `GET ${path} HTTP/1.1`, `Host: ${host}:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13',
      ...(origin ? [`Origin: ${origin}`] : []), ...(cookie ? [`Cookie: ${cookie}`] : []), '', '',
    ].join('\r\n'));
    const rest = await new Promise((resolve, reject) => {
      let head = Buffer.alloc(0);
      const onData = (chunk) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, end).toString('latin1').split('\r\n')[0];
        if (!status.includes(' 101 ')) reject(new Error(`handshake refused: ${status}`));
        else resolve(head.subarray(end + 4));
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('connection closed during the handshake')));
    });
    return new RawWebSocket(socket, rest);
  }

  constructor(socket, initial) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.ended = true;
      for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error(`the connection closed (code ${this.closeCode}) before a matching frame`));
      resolve(this.closeCode);
    }));
    socket.on('data', (chunk) => this.#read(chunk));
    if (initial.length) this.#read(initial);
  }

  // Server frames are never masked; 7-, 16- and 64-bit lengths.
  #read(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#buffer.length < 2) return;
      const opcode = this.#buffer[0] & 0x0f;
      let length = this.#buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.#buffer.length < 4) return;
        length = this.#buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.#buffer.length < 10) return;
        length = Number(this.#buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.#buffer.length < offset + length) return;
      const payload = this.#buffer.subarray(offset, offset + length);
      this.#buffer = this.#buffer.subarray(offset + length);
      if (opcode === OPCODE.close) {
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.#socket.end(); // the closing handshake, from our side: we are done
      }
      else if (opcode === OPCODE.text) {
        this.#texts.push(JSON.parse(payload.toString('utf8')));
        this.#flush();
      }
    }
  }

  #flush() {
    for (const waiter of [...this.#waiters]) {
      const index = this.#texts.findIndex(waiter.match);
      if (index < 0) continue;
      const [frame] = this.#texts.splice(index, 1);
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(frame);
    }
  }

  /** Takes every text frame that arrived and nobody waited for. */
  drain() {
    return this.#texts.splice(0);
  }

  /** Writes raw bytes (one frame, several, or part of one). */
  write(bytes) {
    if (!this.#socket.destroyed) this.#socket.write(bytes);
  }

  /** The next JSON text frame of this type (or matching the predicate). */
  next(match, timeoutMs = 3000) {
    const predicate = typeof match === 'string' ? (frame) => frame.type === match : match;
    return new Promise((resolve, reject) => {
      const waiter = { match: predicate, resolve, reject, timer: setTimeout(() => reject(new Error(`no frame matching ${match} within ${timeoutMs} ms`)), timeoutMs) };
      this.#waiters.push(waiter);
      this.#flush();
    });
  }

  /** Resolves to the close code, or rejects when the server keeps the connection open. */
  closedWithin(timeoutMs) {
    return Promise.race([this.closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`still open after ${timeoutMs} ms`)), timeoutMs).unref())]);
  }

  destroy() {
    this.#socket.destroy();
  }
}
