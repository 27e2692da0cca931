package dev.switchboard.gateway.channels;

/** Whether a webhook request comes from the platform, and if not, the HTTP status the platform expects. */
public record Verification(boolean accepted, int status, String reason) {

    private static final Verification ACCEPTED = new Verification(true, 200, "verified");

    public static Verification verified() {
        return ACCEPTED;
    }

    /** Rejected with 401 Unauthorized. */
    public static Verification rejected(String reason) {
        return new Verification(false, 401, reason);
    }

    /** Rejected with another status, for platforms that expect one (403 for Twilio). */
    public static Verification rejected(int status, String reason) {
        return new Verification(false, status, reason);
    }
}
