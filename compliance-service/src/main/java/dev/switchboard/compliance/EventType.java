package dev.switchboard.compliance;

/** The kinds of event the audit trail records; stored by name in {@code audit_events.event_type}. */
public enum EventType {
    TURN_RECEIVED,
    AGENT_RESULT,
    /** A supervisor decision: audited only, never re-published, so its row has no cleared event id. */
    SUPERVISOR_DECISION,
    /** A user's data was erased on request: written by the erasure itself, carries no personal content. */
    ERASURE
}
