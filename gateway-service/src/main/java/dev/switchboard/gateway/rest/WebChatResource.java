package dev.switchboard.gateway.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
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
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.Traceparent;
import dev.switchboard.gateway.Turns;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.limits.IngressLimits;
import dev.switchboard.gateway.messaging.ReplyStreams;
import dev.switchboard.gateway.messaging.TurnService;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The web chat channel: messages of a tenant's users and their replies, either in the answer
 * ({@code ?wait=<seconds>}) or as a stream of Server-Sent Events per session.
 *
 * <p>Two kinds of caller have role {@code user}: the tenant's backend with the tenant's API key, which vouches
 * for its users and so names the user in each message and may read any session of the tenant; and an end user
 * with a token, who writes as the token's subject and reads only that user's own session.
 */
@Path("/v1/tenants/{tenant}")
@Produces(MediaType.APPLICATION_JSON)
public class WebChatResource {

    private final GatewayConfig config;
    private final TurnService turns;
    private final ReplyHub hub;
    private final ReplyStreams replyStreams;
    private final SessionIds sessions;
    private final IngressLimits limits;
    private final WebChatUsers users;
    private final Caller caller;

    WebChatResource(GatewayConfig config, TurnService turns, ReplyHub hub, ReplyStreams replyStreams,
            SessionIds sessions, IngressLimits limits, WebChatUsers users, Caller caller) {
        this.config = config;
        this.turns = turns;
        this.hub = hub;
        this.replyStreams = replyStreams;
        this.sessions = sessions;
        this.limits = limits;
        this.users = users;
        this.caller = caller;
    }

    /**
     * Accepts a message and opens a turn in the principal's session: 202 once the turn is on the broker,
     * or with {@code wait} 200 with the reply (504 if it does not come in time).
     */
    @POST
    @Path("/messages")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.USER)
    public Uni<Response> post(@RestPath String tenant, @RestQuery String wait,
            @RestHeader("traceparent") String traceparent, InboundMessage body) {
        limits.message(tenant);
        Duration waitFor = parseWait(wait);
        if (body == null) {
            throw ProblemException.badRequest("missing-body", "The body must be a JSON object with user and text");
        }
        InboundMessage message = body.forUser(users.author(body.user()));
        message.validate(config.maxTextLength());
        users.requireWebChatUser(message.user());
        message = message.withMessageId();
        String sessionId = sessions.forPrincipal(tenant, message.user());
        TurnReceived turn = Turns.received(tenant, sessionId, message, Traceparent.fromHeaderOrNew(traceparent),
                replyStreams.replyTo(sessionId, waitFor != null), Instant.now());
        Envelope envelope = turn.getEnvelope();
        String messageId = message.messageId();
        if (waitFor == null) {
            return turns.publish(turn)
                    .replaceWith(() -> Response.accepted(AcceptedTurn.of(envelope, messageId)).build())
                    .onFailure(TurnService.PublishFailedException.class)
                    .recoverWithItem(e -> UnconfirmedTurn.response(envelope, messageId, e.getMessage()));
        }
        // A message sent again after its reply came here: the same turn, answered with that reply, not run again.
        var answered = hub.recentReply(tenant, envelope.getTurnId());
        if (answered.isPresent()) {
            return Uni.createFrom().item(Response.ok(RepliedTurn.of(envelope, messageId, answered.get())).build());
        }
        // Registered before publishing: the reply cannot overtake the waiter.
        ReplyHub.Waiter waiter = hub.expect(tenant, envelope.getTurnId());
        Uni<Response> reply = waiter.reply()
                .map(outbound -> Response.ok(RepliedTurn.of(envelope, messageId, outbound)).build())
                .ifNoItem().after(waitFor)
                .recoverWithItem(() -> Response.status(Response.Status.GATEWAY_TIMEOUT).type(Problem.MEDIA_TYPE)
                        .entity(PendingTurn.of(envelope, messageId, waitFor.toSeconds())).build());
        return turns.publish(turn)
                .chain(() -> reply)
                .onFailure(TurnService.PublishFailedException.class)
                .recoverWithItem(e -> UnconfirmedTurn.response(envelope, messageId, e.getMessage()))
                .eventually(waiter::close);
    }

    /**
     * The replies of one session of this tenant, from now on, as Server-Sent Events with JSON data. A user
     * token reads only its own user's session; any other session id answers 404, as if it did not exist.
     */
    @GET
    @Path("/sessions/{sessionId}/replies")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.USER)
    public Multi<ReplyEvent> replies(@RestPath String tenant, @RestPath String sessionId) {
        requireUuid(sessionId);
        if (!caller.holdsApiKey() && !sessionId.equals(sessions.forPrincipal(tenant, caller.name()))) {
            throw ProblemException.notFound();
        }
        IngressLimits.StreamPermit permit = limits.openStream(tenant);
        return hub.stream(tenant, sessionId).map(ReplyEvent::of).onTermination().invoke(permit::release);
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
            throw ProblemException.badRequest("invalid-wait",
                    "wait must be a whole number of seconds from 1 to " + maxSeconds);
        }
        return Duration.ofSeconds(seconds);
    }

    private static void requireUuid(String sessionId) {
        try {
            UUID.fromString(sessionId);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-session-id",
                    "sessionId must be a UUID, as returned when a message is posted");
        }
    }
}
