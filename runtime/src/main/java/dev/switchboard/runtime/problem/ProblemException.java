package dev.switchboard.runtime.problem;

import java.util.Map;

import jakarta.ws.rs.core.Response;

/** Ends a request with a problem answer; thrown by resources and services, mapped by {@link ProblemMappers}. */
public class ProblemException extends RuntimeException {

    private final Response.StatusType status;
    private final String code;
    private final Map<String, String> headers;

    public ProblemException(Response.StatusType status, String code, String detail) {
        this(status, code, detail, Map.of());
    }

    /** With extra answer headers, such as {@code Retry-After}. */
    public ProblemException(Response.StatusType status, String code, String detail, Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    public static ProblemException notFound() {
        return new ProblemException(Response.Status.NOT_FOUND, "not-found", "No such resource");
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(Response.Status.BAD_REQUEST, code, detail);
    }

    /** 429 with {@code Retry-After} in whole seconds (at least 1). */
    public static ProblemException tooManyRequests(String detail, long retryAfterSeconds) {
        return new ProblemException(Response.Status.TOO_MANY_REQUESTS, "rate-limited", detail,
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }

    public Response.StatusType status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The answer this exception stands for. */
    public Response toResponse() {
        Response.ResponseBuilder builder = Problems.builder(status.getStatusCode(), code, getMessage());
        headers.forEach(builder::header);
        return builder.build();
    }
}
