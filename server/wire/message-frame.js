// A stored message as protocol v1 puts it on the wire (`msg` frames and resync pages):
// the visitor's own carry their cmid, a recorded bot reply the cmid it answered.
export function wireMessage(stored) {
  const message = { seq: stored.seq, serverId: stored.serverId, author: stored.author, text: stored.text, time: stored.serverTime };
  if (stored.name) message.name = stored.name;
  if (stored.author === 'visitor' && stored.cmid) message.cmid = stored.cmid;
  if (stored.replyTo) message.replyTo = stored.replyTo;
  return message;
}

export function msgFrame(stored) {
  return { type: 'msg', ...wireMessage(stored) };
}
