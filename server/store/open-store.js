// Opens the store the configuration names (`store.kind`, docs/server.md): both keep the
// same contract (tests/server/store-contract.test.js).
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConversationStore } from './conversation-store.js';
import { PostgresStore } from './postgres-store.js';

/** @returns {Promise<ConversationStore|PostgresStore>} */
export async function openStore(config, { warn }) {
  if (config.store.kind === 'postgres') return PostgresStore.open(config.store.url);
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  return ConversationStore.open(dataDir, {
    durability: config.durability, conversationCacheBytes: config.limits.conversationCacheBytes, sequenceCacheBytes: config.limits.sequenceCacheBytes, warn,
  });
}
