-- Operators re-drive dead letters: a dead letter's record is written back to the topic it was read from (see the
-- README, "Dead letters").
--  * REDRIVE rows enter the audit chain: from a request, so in the tenant's requests chain (chain_partition -1) and
--    without a source position; decision REDRIVEN, actor the operator; session and turn those of the re-driven event
--    when it names them. Content: the dead letter's id and the source and target positions, nothing of the record.
--  * dead_letter_redrives holds one row per re-driven dead letter, keyed by its position on deadletters: a second
--    re-drive of the same dead letter finds the row and writes nothing. A re-drive inserts the row first (a second
--    request for the same dead letter waits on it), writes the record, then fills in where it was written and the
--    audit row, all in one transaction: the target columns are null only inside that transaction.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_event_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_event_type_check
    CHECK (event_type IN ('TURN_RECEIVED', 'AGENT_RESULT', 'SUPERVISOR_DECISION', 'ERASURE',
                          'RESULT_REFUSED', 'POLICY_CHANGE', 'REPLAY', 'REDRIVE'));

ALTER TABLE audit_events DROP CONSTRAINT audit_events_shape_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_shape_check CHECK (
    CASE event_type
        WHEN 'SUPERVISOR_DECISION' THEN decision_code IS NOT NULL AND cleared_event_id IS NULL
        WHEN 'ERASURE' THEN user_id IS NOT NULL AND cleared_event_id IS NULL AND decision_code IS NULL
                            AND agent IS NULL AND task_id IS NULL
        WHEN 'RESULT_REFUSED' THEN decision = 'REFUSED' AND decision_code IS NOT NULL AND cleared_event_id IS NULL
        WHEN 'POLICY_CHANGE' THEN session_id IS NULL AND decision_code IS NOT NULL AND cleared_event_id IS NULL
                                  AND agent IS NULL AND task_id IS NULL
        WHEN 'REPLAY' THEN session_id IS NOT NULL AND cleared_event_id IS NULL AND decision_code IS NULL
                           AND agent IS NULL AND task_id IS NULL
        WHEN 'REDRIVE' THEN cleared_event_id IS NULL AND decision_code IS NULL AND agent IS NULL AND task_id IS NULL
        ELSE decision_code IS NULL AND agent IS NULL AND task_id IS NULL AND cleared_event_id IS NOT NULL
    END);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_source_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_source_check CHECK (
    event_type IN ('ERASURE', 'POLICY_CHANGE', 'REPLAY', 'REDRIVE')
    OR (session_id IS NOT NULL AND turn_id IS NOT NULL AND source_topic IS NOT NULL
        AND source_partition IS NOT NULL AND source_offset IS NOT NULL));

CREATE TABLE dead_letter_redrives (
    dead_letter_partition INTEGER      NOT NULL CHECK (dead_letter_partition >= 0),
    dead_letter_offset    BIGINT       NOT NULL CHECK (dead_letter_offset >= 0),
    tenant                VARCHAR(255) NOT NULL,
    target_topic          VARCHAR(255) NOT NULL,
    target_partition      INTEGER,
    target_offset         BIGINT,
    redriven_by           VARCHAR(255) NOT NULL,
    redriven_at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    audit_event_id        VARCHAR(255),
    PRIMARY KEY (dead_letter_partition, dead_letter_offset)
);
