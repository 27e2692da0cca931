package dev.switchboard.runtime.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Maps every failure of a request to a {@link Problem} answer, so all services speak one error format. A failure
 * nobody anticipated answers 500 with no detail (it is logged), never a stack trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String BEARER = "Bearer realm=\"switchboard\"";

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.toResponse();
    }

    @ServerExceptionMapper
    public Response unauthenticated(UnauthorizedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        return unauthorized();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problems.response(Response.Status.FORBIDDEN, "forbidden", "Your role does not allow this");
    }

    @ServerExceptionMapper
    public Response invalidJson(JsonProcessingException e) {
        return Problems.response(Response.Status.BAD_REQUEST, "invalid-json", "The body is not valid JSON for this request");
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return invalidJson(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return invalidJson(json);
        }
        int status = e.getResponse().getStatus();
        if (status == 401) {
            return unauthorized();
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        String code = known == null ? "error" : known.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        String detail = status == 404 ? "No such resource" : known == null ? "Request failed" : known.getReasonPhrase();
        return Problems.builder(status, code, detail).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        LOG.error("Request failed", e);
        return Problems.response(Response.Status.INTERNAL_SERVER_ERROR, "internal-error", "The request failed; it is logged");
    }

    private static Response unauthorized() {
        return Problems.builder(401, "unauthorized", "A valid bearer token (or, for the web chat API, an API key) is required")
                .header(HttpHeaders.WWW_AUTHENTICATE, BEARER).build();
    }
}
