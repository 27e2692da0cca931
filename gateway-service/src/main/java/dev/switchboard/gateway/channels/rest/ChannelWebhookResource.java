package dev.switchboard.gateway.channels.rest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.Traceparent;
import dev.switchboard.gateway.channels.Channel;
import dev.switchboard.gateway.channels.ChannelRegistry;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.Inbound;
import dev.switchboard.gateway.channels.StatusUpdate;
import dev.switchboard.gateway.channels.Verification;
import dev.switchboard.gateway.channels.WebhookAnswer;
import dev.switchboard.gateway.channels.WebhookRequest;
import dev.switchboard.gateway.channels.messaging.ChannelDeliveryReports;
import dev.switchboard.gateway.channels.messaging.ChannelMessageService;
import dev.switchboard.gateway.channels.messaging.SentMessages;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.problem.Problems;
import io.smallrye.mutiny.Uni;

/**
 * The webhook URL of every messaging channel, {@code /v1/channels/{tenant}/{channel}/webhook}. A request is
 * verified with the tenant's secret for the channel before its body is read; only then are its user messages
 * published to {@code channels.inbound} and its status updates written as delivery reports to
 * {@code deliveries}. The platform gets 200 only once the broker has acknowledged all of that, so that a
 * failure makes it deliver the webhook again.
 *
 * <p>The caller is the platform, which holds no token: the route is {@code @PermitAll} for the token layer and
 * authenticates every request itself, by the tenant's secret for the channel. Refusals are problem answers that
 * say nothing about the tenant's settings.
 */
@Path("/v1/channels/{tenant}/{channel}/webhook")
@PermitAll // authenticated by the platform's signature, checked here, not by a token
public class ChannelWebhookResource {

    private static final Logger LOG = Logger.getLogger(ChannelWebhookResource.class);

    private final ChannelRegistry registry;
    private final ChannelMessageService messages;
    private final ChannelDeliveryReports reports;
    private final SentMessages sent;

    ChannelWebhookResource(ChannelRegistry registry, ChannelMessageService messages, ChannelDeliveryReports reports,
            SentMessages sent) {
        this.registry = registry;
        this.messages = messages;
        this.reports = reports;
        this.sent = sent;
    }

    /** The verification handshake some platforms make when the URL is registered (WhatsApp). */
    @GET
    public Response handshake(@PathParam("tenant") String tenant, @PathParam("channel") String channelId,
            @Context HttpHeaders headers, @Context UriInfo uri) {
        Optional<Channel> channel = registry.channel(channelId);
        Optional<ChannelSettings> settings = channel.flatMap(c -> registry.settings(tenant, c));
        if (settings.isEmpty()) {
            throw ProblemException.notFound();
        }
        WebhookAnswer answer = channel.get().handshake(request(headers, uri, null), settings.get());
        if (answer.status() != 200) {
            LOG.warnf("Webhook handshake for %s/%s refused with %d", tenant, channelId, answer.status());
        }
        return toResponse(answer);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> receive(@PathParam("tenant") String tenant, @PathParam("channel") String channelId,
            @Context HttpHeaders headers, @Context UriInfo uri, byte[] body) {
        Optional<Channel> channel = registry.channel(channelId);
        Optional<ChannelSettings> settings = channel.flatMap(c -> registry.settings(tenant, c));
        if (settings.isEmpty()) {
            throw ProblemException.notFound();
        }
        WebhookRequest request = request(headers, uri, body);
        Verification verification = channel.get().verify(request, settings.get());
        if (!verification.accepted()) {
            LOG.warnf("Webhook for %s/%s rejected with %d: %s", tenant, channelId, verification.status(),
                    verification.reason());
            return Uni.createFrom().item(Problems.builder(verification.status(), "invalid-signature",
                    "The request is not signed for this tenant and channel").build());
        }
        Inbound inbound;
        try {
            inbound = channel.get().parse(request);
        } catch (IllegalArgumentException e) {
            // Signed by the platform but not understood: a retry would not help.
            LOG.warnf("Webhook for %s/%s not understood: %s", tenant, channelId, e.getMessage());
            return Uni.createFrom().item(Problems.response(Response.Status.BAD_REQUEST, "unreadable-webhook",
                    "The body is not what the platform sends"));
        }
        String traceparent = Traceparent.fromHeaderOrNew(headers.getHeaderString("traceparent"));
        return messages.publish(tenant, channelId, inbound.messages(), traceparent)
                .chain(() -> reportStatuses(tenant, channelId, inbound.statuses()))
                .map(done -> toResponse(inbound.answer()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "Webhook for %s/%s not confirmed; the platform will retry", tenant, channelId);
                    return Problems.builder(503, "broker-unavailable", "Not confirmed; deliver the webhook again (a "
                            + "message delivered again is processed once)")
                            .header("Retry-After", "5").build();
                });
    }

    private Uni<Void> reportStatuses(String tenant, String channelId, List<StatusUpdate> statuses) {
        List<Uni<Void>> published = statuses.stream()
                .flatMap(update -> sent.find(tenant, channelId, update.platformMessageId())
                        .map(reply -> reports.status(reply, channelId, update))
                        .or(() -> {
                            LOG.debugf("Status %s of %s message %s: not sent by this instance recently",
                                    update.state(), channelId, update.platformMessageId());
                            return Optional.empty();
                        })
                        .stream())
                .toList();
        return published.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(published).andFailFast().replaceWithVoid();
    }

    private static WebhookRequest request(HttpHeaders headers, UriInfo uri, byte[] body) {
        Map<String, String> query = new LinkedHashMap<>();
        uri.getQueryParameters().forEach((name, values) -> {
            if (!values.isEmpty()) {
                query.put(name, values.get(0));
            }
        });
        return new WebhookRequest(uri.getRequestUri(), headers.getRequestHeaders(), query, body);
    }

    private static Response toResponse(WebhookAnswer answer) {
        Response.ResponseBuilder response = Response.status(answer.status());
        if (answer.body() != null) {
            response.type(answer.mediaType()).entity(answer.body());
        }
        return response.build();
    }
}
