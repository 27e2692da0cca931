package dev.switchboard.compliance.audit;

/**
 * The reserved chain of the platform itself, {@value #TENANT}: where compliance audits what no tenant can be held
 * to, such as an agent result without a valid task ticket (whose tenant is only a claim). The name cannot be a
 * tenant's: compliance dead-letters every event that names it as its tenant, and only a platform admin reaches it
 * over HTTP (to verify the chain), so no tenant's operator or auditor ever reads it and no event can be written
 * into it by claiming it.
 */
public final class PlatformChain {

    /** The platform chain's tenant column. */
    public static final String TENANT = "_platform";

    private PlatformChain() {
    }

    /** Whether a tenant id, as an event or a path names it, is the reserved one. */
    public static boolean isReserved(String tenant) {
        return TENANT.equals(tenant);
    }
}
