package dev.switchboard.compliance;

/** The kinds of event the audit trail records; stored by name in {@code audit_events.event_type}. */
public enum EventType {
    TURN_RECEIVED,
    AGENT_RESULT,
    /** A supervisor decision: audited only, never re-published, so its row has no cleared event id. */
    SUPERVISOR_DECISION,
    /** A user's data was erased on request: written by the erasure itself, carries no personal content. */
    ERASURE,
    /**
     * An agent result whose task ticket does not hold: nothing was published, and the row holds none of what
     * the result said. It is in the chain of the tenant its valid ticket names, else in the platform chain.
     */
    RESULT_REFUSED,
    /** A tenant's compliance or supervisor policy was set or removed; {@code decision_code} says which. */
    POLICY_CHANGE,
    /** An operator replayed a session under today's policy into topics of the run's own. */
    REPLAY,
    /** An operator wrote a dead letter's record back to the topic it was read from. */
    REDRIVE
}
