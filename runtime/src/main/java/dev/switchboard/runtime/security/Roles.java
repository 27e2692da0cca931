package dev.switchboard.runtime.security;

/**
 * The roles a caller can hold, as the {@code groups} claim of a token (or, for the web chat API, a tenant API
 * key). Every role but {@link #ADMIN} belongs to one tenant, named by the token's {@code tenant} claim.
 */
public final class Roles {

    /** An end user of a tenant, or the tenant's own web chat backend holding its API key: sends messages. */
    public static final String USER = "user";
    /** Runs a tenant: changes its policies, releases escalated sessions, erases users. */
    public static final String OPERATOR = "operator";
    /** Reads a tenant's conversations, audit trail and budgets, and verifies its chain; changes nothing. */
    public static final String AUDITOR = "auditor";
    /** Runs the platform; may act on any tenant where a route allows it, but reads no conversation. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
