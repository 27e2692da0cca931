package dev.switchboard.compliance;

/**
 * What recording an event in the audit trail found, and so whether its cleared form is published. A supervisor
 * decision has no cleared form; for it the outcome only tells what the trail already knew.
 */
public enum AuditOutcome {

    /** First time this event id is seen: publish. */
    RECORDED(true),
    /**
     * The same record was audited before but its Kafka transaction never committed (a crash or an abort
     * between the two commits), since it is being read again: publish, the earlier attempt was discarded.
     */
    REDELIVERED(true),
    /**
     * Another record with this event id (an upstream retry) was audited and published already: publish
     * nothing, only move past it.
     */
    DUPLICATE(false);

    private final boolean publishes;

    AuditOutcome(boolean publishes) {
        this.publishes = publishes;
    }

    public boolean publishes() {
        return publishes;
    }
}
