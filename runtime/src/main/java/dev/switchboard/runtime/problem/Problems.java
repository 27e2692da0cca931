package dev.switchboard.runtime.problem;

import jakarta.ws.rs.core.Response;

/** Builds problem answers ({@link Problem}). */
public final class Problems {

    private Problems() {
    }

    public static Response response(Response.StatusType status, String code, String detail) {
        return builder(status.getStatusCode(), code, detail).build();
    }

    public static Response.ResponseBuilder builder(int status, String code, String detail) {
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, code, detail));
    }
}
