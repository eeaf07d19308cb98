// What an uploaded file is, decided by its first bytes (its magic number), never by the
// name or the Content-Type the client claims: a script or an SVG (which can carry script)
// renamed to photo.png is refused. Only these four kinds are accepted.
const KINDS = [
  { type: 'image/png', name: 'PNG', matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: 'image/jpeg', name: 'JPEG', matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  // RIFF <size> WEBP
  { type: 'image/webp', name: 'WebP', matches: (b) => startsWith(b, [0x52, 0x49, 0x46, 0x46]) && b.length >= 12 && b.toString('latin1', 8, 12) === 'WEBP' },
  { type: 'application/pdf', name: 'PDF', matches: (b) => b.toString('latin1', 0, 5) === '%PDF-' },
];

export const ACCEPTED_TYPES = KINDS.map((kind) => kind.type);
/** Bytes needed to tell the kinds apart. */
export const SNIFF_BYTES = 12;

function startsWith(bytes, prefix) {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

/** The accepted kind the bytes start like ({type, name}), or null. */
export function sniffAttachmentType(bytes) {
  const kind = KINDS.find((candidate) => candidate.matches(bytes));
  return kind ? { type: kind.type, name: kind.name } : null;
}

/** Images are shown inline; anything else (PDF) is downloaded, never rendered in our origin. */
export const isImageType = (type) => type.startsWith('image/');
