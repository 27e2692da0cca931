-- Supervisor decisions (supervisor.decisions) are audited too. A decision is only recorded, never
-- re-published, so it has no cleared event; instead it carries its kind, its code and, when it concerns
-- one, the agent and task. Existing rows are left as they are: these columns are null on them.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_event_type_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_event_type_check
    CHECK (event_type IN ('TURN_RECEIVED', 'AGENT_RESULT', 'SUPERVISOR_DECISION'));

ALTER TABLE audit_events ALTER COLUMN cleared_event_id DROP NOT NULL;

ALTER TABLE audit_events
    ADD COLUMN decision      VARCHAR(32),
    ADD COLUMN decision_code VARCHAR(255),
    ADD COLUMN agent         VARCHAR(255),
    ADD COLUMN task_id       VARCHAR(255);

-- A decision row has a kind and a code and no cleared event; every other row has a cleared event and
-- none of the decision's columns.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_decision_check CHECK (
    CASE WHEN event_type = 'SUPERVISOR_DECISION'
         THEN decision IS NOT NULL AND decision_code IS NOT NULL AND cleared_event_id IS NULL
         ELSE decision IS NULL AND decision_code IS NULL AND agent IS NULL AND task_id IS NULL
              AND cleared_event_id IS NOT NULL
    END);
