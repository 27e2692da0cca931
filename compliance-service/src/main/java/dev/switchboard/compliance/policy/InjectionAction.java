package dev.switchboard.compliance.policy;

/** What compliance does with a text that carries injected instructions. */
public enum InjectionAction {
    /** Let it through and record the signals in the audit trail. */
    FLAG,
    /** Refuse the event (a turn becomes {@code TurnRejected}; an agent result a failure without content). */
    BLOCK
}
