/**
 * The one error type Kefu throws. `code` is stable and machine-readable (the same
 * codes the C++ core returns, e.g. "kb_invalid_json", plus the loader's own
 * "core_load_failed", "disposed" and "invalid_argument"); `message` is for humans.
 */
export class KefuError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'KefuError';
    this.code = code;
  }
}
