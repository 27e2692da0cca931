-- One row per event compliance has seen, written before the cleared event is published.
-- Only redacted content is stored; event_id is the idempotency key of the consume-audit-publish loop.
CREATE TABLE audit_events (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         VARCHAR(255) NOT NULL,
    event_type       VARCHAR(32)  NOT NULL CHECK (event_type IN ('TURN_RECEIVED', 'AGENT_RESULT')),
    tenant           VARCHAR(255) NOT NULL,
    session_id       VARCHAR(255) NOT NULL,
    turn_id          VARCHAR(255) NOT NULL,
    cleared_event_id VARCHAR(255) NOT NULL,
    source_topic     VARCHAR(255) NOT NULL,
    source_partition INTEGER      NOT NULL,
    source_offset    BIGINT       NOT NULL,
    content          TEXT         NOT NULL,
    redactions       INTEGER      NOT NULL CHECK (redactions >= 0),
    occurred_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    recorded_at      TIMESTAMP(6) WITH TIME ZONE NOT NULL DEFAULT now(),
    CONSTRAINT audit_events_event_id_key UNIQUE (event_id)
);

CREATE INDEX audit_events_session_idx ON audit_events (session_id, occurred_at, id);
