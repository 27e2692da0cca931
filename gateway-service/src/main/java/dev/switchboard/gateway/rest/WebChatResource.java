package dev.switchboard.gateway.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestStreamElementType;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.InboundMessage;
import dev.switchboard.gateway.ReplyHub;
import dev.switchboard.gateway.Traceparent;
import dev.switchboard.gateway.Turns;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.messaging.TurnService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The web chat channel: a tenant's backend posts its users' messages and reads the replies, either in
 * the answer ({@code ?wait=<seconds>}) or as a stream of Server-Sent Events per session.
 */
@Path("/v1/tenants/{tenant}")
@TenantAuthenticated
@Produces(MediaType.APPLICATION_JSON)
public class WebChatResource {

    private final GatewayConfig config;
    private final TurnService turns;
    private final ReplyHub hub;

    WebChatResource(GatewayConfig config, TurnService turns, ReplyHub hub) {
        this.config = config;
        this.turns = turns;
        this.hub = hub;
    }

    /**
     * Accepts a message and opens a turn in the principal's session: 202 once the turn is on the broker,
     * or with {@code wait} 200 with the reply (504 if it does not come in time).
     */
    @POST
    @Path("/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> post(@RestPath String tenant, @RestQuery String wait,
            @RestHeader("traceparent") String traceparent, InboundMessage message) {
        Duration waitFor = parseWait(wait);
        if (message == null) {
            throw new ApiException(Response.Status.BAD_REQUEST, "missing_body",
                    "the body must be a JSON object with user and text");
        }
        message.validate(config.maxTextLength());
        TurnReceived turn = Turns.received(tenant, message, Traceparent.fromHeaderOrNew(traceparent), Instant.now());
        Envelope envelope = turn.getEnvelope();
        if (waitFor == null) {
            return turns.publish(turn)
                    .replaceWith(() -> Response.accepted(AcceptedTurn.of(envelope)).build());
        }
        // Registered before publishing: the reply cannot overtake the waiter.
        ReplyHub.Waiter waiter = hub.expect(tenant, envelope.getTurnId());
        Uni<Response> reply = waiter.reply()
                .map(outbound -> Response.ok(RepliedTurn.of(envelope, outbound)).build())
                .ifNoItem().after(waitFor)
                .recoverWithItem(() -> Response.status(Response.Status.GATEWAY_TIMEOUT)
                        .entity(PendingTurn.of(envelope, waitFor.toSeconds())).build());
        return turns.publish(turn)
                .chain(() -> reply)
                .eventually(waiter::close);
    }

    /** The replies of one session of this tenant, from now on, as Server-Sent Events with JSON data. */
    @GET
    @Path("/sessions/{sessionId}/replies")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ReplyEvent> replies(@RestPath String tenant, @RestPath String sessionId) {
        requireUuid(sessionId);
        return hub.stream(tenant, sessionId).map(ReplyEvent::of);
    }

    private Duration parseWait(String wait) {
        if (wait == null) {
            return null;
        }
        long maxSeconds = config.maxWait().toSeconds();
        long seconds;
        try {
            seconds = Long.parseLong(wait.strip());
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1 || seconds > maxSeconds) {
            throw new ApiException(Response.Status.BAD_REQUEST, "invalid_wait",
                    "wait must be a whole number of seconds from 1 to " + maxSeconds + ", got: " + wait);
        }
        return Duration.ofSeconds(seconds);
    }

    private static void requireUuid(String sessionId) {
        try {
            UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
            throw new ApiException(Response.Status.BAD_REQUEST, "invalid_session_id",
                    "sessionId must be a UUID, as returned when a message is posted");
        }
    }
}
