// The team's canned replies: `/shortcut` in the composer lists the replies whose
// shortcut or text contains what follows the slash; picking one puts its text in the
// composer with {visitor.name} and {agent.name} filled in.

/** Fills the variables a canned reply may use; an unknown one stays as written. */
export function fillVariables(text, { visitorName, agentName }) {
  const values = { 'visitor.name': visitorName ?? '', 'agent.name': agentName ?? '' };
  return text.replace(/\{(visitor\.name|agent\.name)\}/g, (_, name) => values[name]);
}

/** The replies matching a query (without its slash), shortcut matches first. */
export function searchCanned(replies, query) {
  const q = query.toLowerCase();
  const byShortcut = replies.filter((r) => r.shortcut.toLowerCase().startsWith(q));
  const byText = replies.filter((r) => !byShortcut.includes(r) && (r.shortcut.toLowerCase().includes(q) || r.text.toLowerCase().includes(q)));
  return [...byShortcut, ...byText];
}
