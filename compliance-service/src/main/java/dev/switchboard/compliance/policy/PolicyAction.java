package dev.switchboard.compliance.policy;

/** What compliance does with one kind of personal data found in a text. */
public enum PolicyAction {
    /** Replace the value with a typed placeholder, such as {@code [CREDIT_CARD]}. */
    REDACT,
    /** Keep a few characters so people can tell values apart: {@code **** **** **** 4242}, {@code a***@example.com}. */
    MASK,
    /** Replace the value with a keyed hash, {@code [EMAIL:3f9a0c1d2e4b]}: equal values match, nobody can read them. */
    HASH,
    /** Leave the value as it is. */
    ALLOW,
    /** Refuse the whole event: a turn becomes {@code TurnRejected}, an agent result a failure without content. */
    BLOCK
}
