package dev.switchboard.supervisor;

/**
 * The token budgets a dispatch is checked against: what the session and the tenant (this UTC day) have left.
 * A budget is exhausted when nothing is left, that is when the usage has reached the limit; a task is never
 * granted more tokens than the smaller of the two remainders.
 */
public final class Budget {

    /** What a dispatch may use, or which budget stops it. */
    public record Allowance(long tokens, String exhaustedBy) {
        public boolean exhausted() {
            return exhaustedBy != null;
        }
    }

    /** The session budget is exhausted. */
    public static final String SESSION_TOKENS = "session_tokens";
    /** The tenant's budget for the day is exhausted. */
    public static final String DAILY_TOKENS = "tenant_daily_tokens";

    private Budget() {
    }

    /** The key of a tenant's usage on one UTC day, on {@code budgets.tenants}. */
    public static String usageKey(String tenant, String day) {
        return tenant + "/" + day;
    }

    /**
     * @param sessionUsed     tokens the session used so far
     * @param tenantUsedToday tokens the tenant used this UTC day
     * @param taskTokens      what the task would get without budgets
     */
    public static Allowance allowance(TenantPolicy policy, long sessionUsed, long tenantUsedToday, long taskTokens) {
        long sessionLeft = policy.sessionTokens() - sessionUsed;
        long tenantLeft = policy.dailyTokens() - tenantUsedToday;
        if (sessionLeft <= 0) {
            return new Allowance(0, SESSION_TOKENS);
        }
        if (tenantLeft <= 0) {
            return new Allowance(0, DAILY_TOKENS);
        }
        return new Allowance(Math.min(taskTokens, Math.min(sessionLeft, tenantLeft)), null);
    }
}
