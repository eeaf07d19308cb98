// What a claim checks and writes, the same in every store (one rule in one place).

/** Whether the conversation is still as the claim expects: its state and, for a transfer, the agent it leaves. */
export function claimExpected(record, expected) {
  return record.state === expected.state && (expected.agentId === undefined || record.agentId === expected.agentId);
}

/**
 * The record's changes when the claim succeeds: a transfer keeps the first `acceptedAt`.
 * Taken from the queue, the conversation also records, for the reports, the team that
 * handled it (`reportTeamOf(record)`) and that its first response is still to come.
 */
export function claimChanges(record, { agentId, agentName, now, note, reportTeamOf }) {
  const changes = { state: 'with_agent', agentId, agentName, acceptedAt: record.state === 'queued' ? now : record.acceptedAt ?? now };
  if (record.state === 'queued') Object.assign(changes, { team: reportTeamOf?.(record) ?? null, firstResponseAt: null });
  if (note) changes.notes = [...(record.notes ?? []), note];
  return changes;
}
