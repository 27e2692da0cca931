-- The audit trail becomes tamper-evident and erasable:
--  * every row says whose data it holds (user_id), who produced the event (actor) and what compliance
--    decided (decision, now on every row), and carries the SHA-256 of its redacted content (content_digest);
--  * rows are chained per tenant: chain_seq 1, 2, 3... and row_hash = SHA-256(prev_hash || audited fields),
--    the head of each tenant's chain kept in audit_chain_heads (locked by every append);
--  * content is encrypted with a data key per user (audit_user_keys); erasing a user deletes the key.
-- Rows written before this migration keep their plaintext content and stay outside the chain (chain_seq
-- null): each tenant's chain starts at its first row written after it.
ALTER TABLE audit_events
    ADD COLUMN user_id        VARCHAR(255),
    ADD COLUMN actor          VARCHAR(255),
    ADD COLUMN content_digest VARCHAR(64),
    ADD COLUMN chain_seq      BIGINT,
    ADD COLUMN prev_hash      VARCHAR(64),
    ADD COLUMN row_hash       VARCHAR(64);

-- Before this migration redaction was the only treatment, so a turn's or result's decision follows from it.
UPDATE audit_events SET decision = CASE WHEN redactions > 0 THEN 'REDACTED' ELSE 'CLEARED' END
 WHERE event_type <> 'SUPERVISOR_DECISION';
UPDATE audit_events SET actor = CASE event_type
        WHEN 'SUPERVISOR_DECISION' THEN 'supervisor'
        WHEN 'TURN_RECEIVED' THEN 'user'
        ELSE coalesce(content::jsonb ->> 'agent', 'agent') END;
UPDATE audit_events SET content_digest = encode(sha256(convert_to(content, 'UTF8')), 'hex');

ALTER TABLE audit_events
    ALTER COLUMN decision SET NOT NULL,
    ALTER COLUMN actor SET NOT NULL,
    ALTER COLUMN content_digest SET NOT NULL;

-- An erasure is audited too; it is no event read from Kafka and concerns a user, not one session.
ALTER TABLE audit_events
    ALTER COLUMN session_id DROP NOT NULL,
    ALTER COLUMN turn_id DROP NOT NULL,
    ALTER COLUMN source_topic DROP NOT NULL,
    ALTER COLUMN source_partition DROP NOT NULL,
    ALTER COLUMN source_offset DROP NOT NULL;

ALTER TABLE audit_events DROP CONSTRAINT audit_events_event_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_event_type_check
    CHECK (event_type IN ('TURN_RECEIVED', 'AGENT_RESULT', 'SUPERVISOR_DECISION', 'ERASURE'));

-- decision is no longer a decision row's privilege; the other shapes stay as V2 set them.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_decision_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_shape_check CHECK (
    CASE event_type
        WHEN 'SUPERVISOR_DECISION' THEN decision_code IS NOT NULL AND cleared_event_id IS NULL
        WHEN 'ERASURE' THEN user_id IS NOT NULL AND cleared_event_id IS NULL AND decision_code IS NULL
                            AND agent IS NULL AND task_id IS NULL
        ELSE decision_code IS NULL AND agent IS NULL AND task_id IS NULL AND cleared_event_id IS NOT NULL
    END);
ALTER TABLE audit_events ADD CONSTRAINT audit_events_source_check CHECK (
    event_type = 'ERASURE'
    OR (session_id IS NOT NULL AND turn_id IS NOT NULL AND source_topic IS NOT NULL
        AND source_partition IS NOT NULL AND source_offset IS NOT NULL));
ALTER TABLE audit_events ADD CONSTRAINT audit_events_chain_check CHECK (
    (chain_seq IS NULL AND prev_hash IS NULL AND row_hash IS NULL)
    OR (chain_seq >= 1 AND prev_hash IS NOT NULL AND row_hash IS NOT NULL));

-- A second row with the same place in a tenant's chain would fork it: refuse it.
CREATE UNIQUE INDEX audit_events_chain_idx ON audit_events (tenant, chain_seq);
CREATE INDEX audit_events_user_idx ON audit_events (tenant, user_id);

-- The last link of each tenant's chain. Appending locks this row (SELECT ... FOR UPDATE) in the same
-- transaction as the insert, so appends of one tenant are serialized across threads and instances.
CREATE TABLE audit_chain_heads (
    tenant VARCHAR(255) PRIMARY KEY,
    seq    BIGINT       NOT NULL CHECK (seq >= 0),
    hash   VARCHAR(64)  NOT NULL
);

-- One AES-256 data key per user, created on the user's first audited event. Deleting it is the erasure
-- of the user's audited content. In production these keys belong in a KMS or Vault (see the README).
CREATE TABLE audit_user_keys (
    tenant     VARCHAR(255) NOT NULL,
    user_id    VARCHAR(255) NOT NULL,
    data_key   BYTEA        NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, user_id)
);
