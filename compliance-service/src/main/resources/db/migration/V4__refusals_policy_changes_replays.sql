-- Three more kinds of row enter the chain; the hash rule (ChainHash) and chain_seq are unchanged.
--  * RESULT_REFUSED: an agent result whose task ticket does not hold. Nothing was published for it, so it has no
--    cleared event; decision is REFUSED and decision_code the refusal (ticket_missing, ticket_invalid,
--    ticket_mismatch). It is in the chain of the tenant the valid ticket names, or in the reserved platform
--    chain (tenant '_platform') when there is no valid ticket; it was read from agent.results.raw.
--  * POLICY_CHANGE: a tenant's compliance or supervisor policy was set or removed; decision_code says which
--    policy. From an operator's request (no source position) or read from supervisor.policies (with one).
--  * REPLAY: an operator replayed a session under today's policy; from a request, so no source position.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_event_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_event_type_check
    CHECK (event_type IN ('TURN_RECEIVED', 'AGENT_RESULT', 'SUPERVISOR_DECISION', 'ERASURE',
                          'RESULT_REFUSED', 'POLICY_CHANGE', 'REPLAY'));

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
        ELSE decision_code IS NULL AND agent IS NULL AND task_id IS NULL AND cleared_event_id IS NOT NULL
    END);

ALTER TABLE audit_events DROP CONSTRAINT audit_events_source_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_source_check CHECK (
    event_type IN ('ERASURE', 'POLICY_CHANGE', 'REPLAY')
    OR (session_id IS NOT NULL AND turn_id IS NOT NULL AND source_topic IS NOT NULL
        AND source_partition IS NOT NULL AND source_offset IS NOT NULL));

-- Finding a tenant's rows of one session (every read route filters by the path's tenant).
CREATE INDEX audit_events_tenant_session_idx ON audit_events (tenant, session_id, occurred_at, id);
