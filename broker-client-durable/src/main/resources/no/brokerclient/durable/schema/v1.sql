-- broker-client-durable schema, version 1. The SDK runs this file on first use (JdbcDurableStore, createSchema on by
-- default); DBAs may run it themselves (then build the store with createSchema(false)). The same SQL runs on
-- PostgreSQL 12+ and H2 2.x in PostgreSQL mode. With a table prefix other than "broker_", replace "broker_" in the
-- three table names below (and in the index names).

CREATE TABLE IF NOT EXISTS broker_schema_version (
  version     INTEGER PRIMARY KEY,
  description VARCHAR(200) NOT NULL,
  applied_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per received file transfer (recipient side). The primary key makes a redelivered event, a second poller
-- or a second instance find the row already there.
CREATE TABLE IF NOT EXISTS broker_inbox (
  file_transfer_id UUID PRIMARY KEY,
  state            VARCHAR(20) NOT NULL,   -- DISCOVERED, DOWNLOADED, HANDLED, CONFIRMED, QUARANTINED, GONE
  source           VARCHAR(20) NOT NULL,   -- WEBHOOK, POLL, OFFER: how it was first discovered
  attempts         INTEGER NOT NULL,       -- failed attempts so far (reset by nothing; quarantine at the limit)
  claims           INTEGER NOT NULL,       -- times an instance claimed it (more than one = resumed after a crash)
  next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  last_error       VARCHAR(1000),
  owner            VARCHAR(200),           -- instance holding the claim, or NULL
  claim_token      UUID,                   -- fences writes: only the current claim may change the row
  lease_until      TIMESTAMP WITH TIME ZONE,
  file_path        VARCHAR(4000),
  file_size        BIGINT,
  md5              VARCHAR(32),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS broker_inbox_due ON broker_inbox (state, next_attempt_at);

-- One row per submission (sender side): the intent is recorded before any call to Broker.
CREATE TABLE IF NOT EXISTS broker_outbox (
  submission_id    UUID PRIMARY KEY,
  resource_id      VARCHAR(255) NOT NULL,
  senders_reference VARCHAR(500) NOT NULL,
  state            VARCHAR(20) NOT NULL,   -- RECORDED, INITIALIZING, INITIALIZED, UPLOADED, PUBLISHED, FAILED
  request_json     VARCHAR(65535) NOT NULL,
  file_path        VARCHAR(4000) NOT NULL,
  file_transfer_id UUID,
  attempts         INTEGER NOT NULL,
  claims           INTEGER NOT NULL,
  next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  last_error       VARCHAR(1000),
  owner            VARCHAR(200),
  claim_token      UUID,
  lease_until      TIMESTAMP WITH TIME ZONE,
  initializing_at  TIMESTAMP WITH TIME ZONE,
  broker_status    VARCHAR(40),
  all_confirmed_at TIMESTAMP WITH TIME ZONE,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT broker_outbox_reference UNIQUE (resource_id, senders_reference)
);
CREATE INDEX IF NOT EXISTS broker_outbox_due ON broker_outbox (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS broker_outbox_transfer ON broker_outbox (file_transfer_id);

INSERT INTO broker_schema_version (version, description, applied_at)
  VALUES (1, 'inbox and outbox', CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING;
