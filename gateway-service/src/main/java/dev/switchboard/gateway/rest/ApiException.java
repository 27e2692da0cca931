package dev.switchboard.gateway.rest;

import jakarta.ws.rs.core.Response;

/** An error answer with its status, code and message, rendered as {@link ApiError}. */
public class ApiException extends RuntimeException {

    private final Response.Status status;
    private final String error;

    public ApiException(Response.Status status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public Response.Status status() {
        return status;
    }

    public String error() {
        return error;
    }
}
