package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.compliance.replay.SessionTimeline;
import dev.switchboard.compliance.replay.TimelineEntry;

/**
 * A session's full timeline for an auditor, reconstructed from the topics: every event of every topic, in
 * order, with compliance's decision where the audit trail has one. {@code from} and {@code to} (ISO instants)
 * bound it; the answer is a JSON document to keep ({@code Content-Disposition: attachment}).
 */
@Path("/v1/audit/sessions/{sessionId}/timeline")
@Produces(MediaType.APPLICATION_JSON)
public class TimelineResource {

    /** The export. */
    public record Timeline(String sessionId, Instant from, Instant to, int events, List<TimelineEntry> timeline) {
    }

    private final SessionTimeline timeline;

    TimelineResource(SessionTimeline timeline) {
        this.timeline = timeline;
    }

    @GET
    public Response get(@PathParam("sessionId") String sessionId, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        Instant start;
        Instant end;
        try {
            start = from == null ? null : Instant.parse(from);
            end = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            return OperatorKey.error(Response.Status.BAD_REQUEST, "invalid-request",
                    "from and to must be ISO instants like 2026-03-02T10:00:00Z");
        }
        List<TimelineEntry> entries = timeline.of(sessionId, start, end);
        return Response.ok(new Timeline(sessionId, start, end, entries.size(), entries))
                .header("Content-Disposition", "attachment; filename=\"session-" + sessionId + "-timeline.json\"")
                .build();
    }
}
