// A stored message as protocol v1 puts it on the wire (`msg` frames and resync pages):
// the visitor's own carry their cmid, a recorded bot reply the cmid it answered.
export function wireMessage(stored) {
  const message = { seq: stored.seq, serverId: stored.serverId, author: stored.author, text: stored.text, time: stored.serverTime };
  if (stored.name) message.name = stored.name;
  if (stored.author === 'visitor' && stored.cmid) message.cmid = stored.cmid;
  if (stored.replyTo) message.replyTo = stored.replyTo;
  if (stored.meta?.attachment) message.attachment = stored.meta.attachment;
  return message;
}

export function msgFrame(stored) {
  return { type: 'msg', ...wireMessage(stored) };
}

/**
 * The `attachment` a message may carry, as the server vouches for it: only a file this
 * conversation uploaded (else null), with the type and size the server found, not the
 * ones claimed; the name and the image's size are the sender's.
 */
export async function attachmentOf(store, conversationId, claimed) {
  const stored = await store.attachmentFor(conversationId, claimed.id);
  if (!stored) return null;
  const attachment = { id: claimed.id, name: claimed.name, type: stored.type, size: stored.size };
  if (stored.type.startsWith('image/') && claimed.width !== undefined && claimed.height !== undefined) {
    attachment.width = claimed.width;
    attachment.height = claimed.height;
  }
  return attachment;
}
