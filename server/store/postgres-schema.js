// The PostgreSQL store's schema, as numbered migrations applied in order at start. A
// released migration is never edited: a change is a new entry at the end. The
// `schema_migrations` table records what a database has; servers starting together
// take an advisory lock, so each migration runs once.

// Any constant shared by every Kefu server: the key of the advisory lock.
const MIGRATION_LOCK = 0x6b656675; // "kefu"

export const MIGRATIONS = [
  {
    version: 1,
    name: 'conversations, messages, tickets, ratings, hot questions',
    sql: `
      CREATE TABLE conversations (
        id text PRIMARY KEY,
        record jsonb NOT NULL,
        last_seq integer NOT NULL DEFAULT 0
      );
      CREATE TABLE session_tokens (
        token text PRIMARY KEY,
        conversation_id text NOT NULL REFERENCES conversations (id)
      );
      CREATE TABLE messages (
        conversation_id text NOT NULL REFERENCES conversations (id),
        seq integer NOT NULL,
        message jsonb NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      );
      -- Kept forever: a retry days later still finds its original ack.
      CREATE TABLE visitor_cmids (
        conversation_id text NOT NULL REFERENCES conversations (id),
        cmid text NOT NULL,
        seq integer NOT NULL,
        server_id text NOT NULL,
        PRIMARY KEY (conversation_id, cmid)
      );
      -- next_cseq NULL: the epoch numbers its messages elsewhere, any cseq is taken.
      CREATE TABLE client_epochs (
        conversation_id text NOT NULL REFERENCES conversations (id),
        epoch text NOT NULL,
        next_cseq integer,
        PRIMARY KEY (conversation_id, epoch)
      );
      CREATE TABLE tickets (
        id text PRIMARY KEY,
        site_id text NOT NULL,
        ticket jsonb NOT NULL
      );
      CREATE INDEX tickets_by_site ON tickets (site_id, id);
      CREATE TABLE ticket_cmids (
        conversation_id text NOT NULL,
        cmid text NOT NULL,
        ticket_id text NOT NULL,
        PRIMARY KEY (conversation_id, cmid)
      );
      CREATE TABLE ratings (
        conversation_id text PRIMARY KEY,
        rating jsonb NOT NULL
      );
      CREATE TABLE hot_question_groups (
        site_id text NOT NULL,
        number integer NOT NULL,
        question_group jsonb NOT NULL,
        PRIMARY KEY (site_id, number)
      );
    `,
  },
  {
    version: 2,
    name: 'console accounts, teams, sessions, audit log',
    sql: `
      -- username_key: the username lower-cased, so "Li" and "li" cannot both exist.
      CREATE TABLE accounts (
        id text PRIMARY KEY,
        username_key text NOT NULL UNIQUE,
        account jsonb NOT NULL
      );
      CREATE TABLE teams (
        id text PRIMARY KEY,
        team jsonb NOT NULL
      );
      -- Keyed by the SHA-256 of the cookie's token: the token itself is never stored.
      CREATE TABLE console_sessions (
        token_hash text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts (id),
        session jsonb NOT NULL
      );
      CREATE INDEX console_sessions_by_account ON console_sessions (account_id);
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at bigint NOT NULL,
        entry jsonb NOT NULL
      );
      CREATE INDEX audit_log_by_time ON audit_log (at);
    `,
  },
  {
    version: 3,
    name: 'attachments',
    sql: `
      -- Named by the SHA-256 of their bytes: a file sent twice is kept once.
      CREATE TABLE attachments (
        hash text PRIMARY KEY,
        type text NOT NULL,
        size integer NOT NULL,
        bytes bytea NOT NULL
      );
      -- Who may read one: a hash alone opens nothing.
      CREATE TABLE attachment_links (
        conversation_id text NOT NULL REFERENCES conversations (id),
        hash text NOT NULL REFERENCES attachments (hash),
        PRIMARY KEY (conversation_id, hash)
      );
    `,
  },
  {
    version: 4,
    name: 'indexes for the queue and for counting the conversations an agent holds',
    sql: `
      CREATE INDEX conversations_queued ON conversations (((record->>'queuedAt')::bigint), id) WHERE record->>'state' = 'queued';
      CREATE INDEX conversations_held ON conversations ((record->>'agentId')) WHERE record->>'state' = 'with_agent';
    `,
  },
  {
    version: 5,
    name: 'agent console: conversation notes, canned replies',
    sql: `
      CREATE TABLE conversation_notes (
        conversation_id text NOT NULL,
        id text NOT NULL,
        note jsonb NOT NULL,
        PRIMARY KEY (conversation_id, id)
      );
      CREATE TABLE canned_replies (
        team text NOT NULL,
        shortcut text NOT NULL,
        reply jsonb NOT NULL,
        PRIMARY KEY (team, shortcut)
      );
    `,
  },
  {
    version: 6,
    name: 'teaching the bot: KB proposals, drafts and published versions',
    sql: `
      CREATE TABLE kb_proposals (
        site_id text NOT NULL,
        id text NOT NULL,
        proposal jsonb NOT NULL,
        PRIMARY KEY (site_id, id)
      );
      CREATE TABLE kb_drafts (
        site_id text PRIMARY KEY,
        draft jsonb NOT NULL
      );
      -- The KB JSON apart from the entry: the history lists without reading every KB.
      CREATE TABLE kb_versions (
        site_id text NOT NULL,
        number integer NOT NULL,
        entry jsonb NOT NULL,
        kb_json text NOT NULL,
        PRIMARY KEY (site_id, number)
      );
    `,
  },
  {
    version: 7,
    name: 'hot questions filed by several instances: versions per site, evicted groups kept a while',
    sql: `
      -- A group's version is the site's at its last change; an evicted group stays a
      -- while with no group (the other instances learn it is gone).
      ALTER TABLE hot_question_groups ALTER COLUMN question_group DROP NOT NULL;
      ALTER TABLE hot_question_groups ADD COLUMN version bigint NOT NULL DEFAULT 0;
      ALTER TABLE hot_question_groups ADD COLUMN evicted_at bigint;
      CREATE INDEX hot_question_groups_version ON hot_question_groups (site_id, version);
      -- One row per site, locked by each filing: the version, the next group number and
      -- the count filed on the UTC day.
      CREATE TABLE hot_question_sites (
        site_id text PRIMARY KEY,
        version bigint NOT NULL,
        next_number integer NOT NULL,
        day integer NOT NULL,
        filed integer NOT NULL
      );
    `,
  },
];

/** Applies the migrations this database lacks, each in its own transaction. */
export async function migrate(pool) {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await client.query('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((row) => row.version));
      const newest = MIGRATIONS.at(-1).version;
      const ahead = [...applied].filter((version) => version > newest);
      if (ahead.length > 0) throw new Error(`the database has schema version ${Math.max(...ahead)}, newer than this server knows (${newest}); run the newer Kefu server`);
      for (const migration of MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
