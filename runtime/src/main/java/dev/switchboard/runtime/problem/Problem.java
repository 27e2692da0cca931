package dev.switchboard.runtime.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error answer of every service: RFC 9457 Problem Details ({@code application/problem+json}),
 * with one extension member, {@code code}, a stable machine-readable name of the problem (also the last segment
 * of {@code type}).
 *
 * @param type   a URI naming the kind of problem
 * @param title  a short summary of that kind, the same for every occurrence
 * @param status the HTTP status code
 * @param detail what went wrong this time, for people; never another tenant's data or message content
 * @param code   the stable name of the kind, such as {@code not-found} or {@code rate-limited}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String code) {

    /** The media type of a problem body. */
    public static final String MEDIA_TYPE = "application/problem+json";
    /** Where the kinds of problem are named. */
    public static final String TYPE_BASE = "https://switchboard.dev/problems/";

    public static Problem of(int status, String code, String detail) {
        jakarta.ws.rs.core.Response.Status known = jakarta.ws.rs.core.Response.Status.fromStatusCode(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        return new Problem(TYPE_BASE + code, title, status, detail, code);
    }
}
