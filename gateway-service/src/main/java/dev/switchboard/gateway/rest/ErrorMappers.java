package dev.switchboard.gateway.rest;

import java.util.Locale;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.switchboard.gateway.InvalidMessageException;
import dev.switchboard.gateway.messaging.TurnService;

/** Renders every error of the API as JSON {@link ApiError}, never as an HTML page or an empty body. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response apiError(ApiException e) {
        return json(e.status().getStatusCode(), new ApiError(e.error(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response invalidMessage(InvalidMessageException e) {
        int status = InvalidMessageException.TEXT_TOO_LONG.equals(e.error())
                ? Response.Status.REQUEST_ENTITY_TOO_LARGE.getStatusCode()
                : Response.Status.BAD_REQUEST.getStatusCode();
        return json(status, new ApiError(e.error(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response publishFailed(TurnService.PublishFailedException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header("Retry-After", "5")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("broker_unavailable", "the message was not accepted, because " + e.getMessage()
                        + "; nothing was published, so it is safe to send it again"))
                .build();
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return malformed(e);
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return malformed(e);
    }

    /** 404, 405, 406, 415 and the like, and JSON errors that the framework wraps before they reach a mapper. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformed(json);
        }
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String reason = type != null ? type.getReasonPhrase() : "HTTP " + status;
        return json(status, new ApiError(reason.toLowerCase(Locale.ROOT).replace(' ', '_'), reason));
    }

    private static Response malformed(JsonProcessingException e) {
        String message;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            message = "the body must be a JSON object whose " + field + " is a string";
        } else if (e instanceof MismatchedInputException) {
            message = "the body must be a JSON object with user and text";
        } else {
            JsonLocation location = e.getLocation();
            message = "the body is not valid JSON"
                    + (location != null ? " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")" : "");
        }
        return json(Response.Status.BAD_REQUEST.getStatusCode(), new ApiError("malformed_json", message));
    }

    private static Response json(int status, ApiError error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
