// What a claim checks and writes, the same in every store (one rule in one place).

/** Whether the conversation is still as the claim expects: its state and, for a transfer, the agent it leaves. */
export function claimExpected(record, expected) {
  return record.state === expected.state && (expected.agentId === undefined || record.agentId === expected.agentId);
}

/** The record's changes when the claim succeeds: a transfer keeps the first `acceptedAt`. */
export function claimChanges(record, { agentId, agentName, now, note }) {
  const changes = { state: 'with_agent', agentId, agentName, acceptedAt: record.state === 'queued' ? now : record.acceptedAt ?? now };
  if (note) changes.notes = [...(record.notes ?? []), note];
  return changes;
}
