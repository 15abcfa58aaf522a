-- broker-client-durable schema, version 2: TUS upload checkpoints (JdbcUploadCheckpointStore). Runs after v1.sql;
-- the SDK applies it on first use like v1 (createSchema on by default), or DBAs run it themselves. Same SQL on
-- PostgreSQL 12+ and H2 2.x in PostgreSQL mode. With a table prefix other than "broker_", replace "broker_" below.

-- One row per TUS upload in progress: the part URLs and file regions BrokerClient.resumeUpload needs to finish it
-- from any instance. Written once the parts are created; deleted when Broker accepted the upload, or by the outbox
-- when the transfer is finished or abandoned. Holds no token or key.
CREATE TABLE IF NOT EXISTS broker_upload_checkpoint (
  file_transfer_id UUID PRIMARY KEY,
  file_path        VARCHAR(4000) NOT NULL,  -- the source file, as the uploading instance saw it (informational)
  checkpoint_json  VARCHAR(65535) NOT NULL, -- the checkpoint document (at most 64 KiB; 64 parts need about 10 KiB)
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX IF NOT EXISTS broker_upload_checkpoint_updated ON broker_upload_checkpoint (updated_at);

INSERT INTO broker_schema_version (version, description, applied_at)
  VALUES (2, 'upload checkpoints', CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING;
