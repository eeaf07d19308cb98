/**
 * A send effect, {type: 'send', frame}, whose frame is JSON text until read: the shell's
 * transport sends `frameText` as it is, and parsing every frame only to stringify it
 * again cost more than the rest of the reply.
 */
export class SendEffect {
  #frame;

  constructor(frameText) {
    this.type = 'send';
    this.frameText = frameText;
  }

  get frame() {
    if (this.#frame === undefined) this.#frame = JSON.parse(this.frameText);
    return this.#frame;
  }

  toJSON() {
    return { type: 'send', frame: this.frame };
  }
}
