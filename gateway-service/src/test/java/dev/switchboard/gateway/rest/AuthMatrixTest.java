package dev.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.IdentityLink;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.ReplyHub;
import dev.switchboard.gateway.Replies;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.inbound.ChannelTurns;
import dev.switchboard.gateway.inbound.IdentityLinkService;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every route of the web chat and link API against every kind of caller: nobody, a wrong key, an expired, forged
 * or misaddressed token, a role that may not use the route, another tenant's key or token, and the right key or
 * token. Refusals are problem answers; another tenant's answer names nothing of this tenant.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class AuthMatrixTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/")
    URI root;

    @TestHTTPResource(value = "health/ready", management = true) // under the management root, /q
    URL ready;

    @Inject
    SessionIds sessions;

    @Inject
    ReplyHub hub;

    @Inject
    IdentityLinkService links;

    @Inject
    KafkaStreams streams;

    String user;
    String session;

    /** One route of the API, for tenant acme and {@link #user}. */
    record Route(String method, String path, boolean stream, Function<RequestSpecification, RequestSpecification> body) {

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @BeforeEach
    void newUserAndAReadyGateway() {
        user = "matrix-" + UUID.randomUUID();
        session = sessions.forPrincipal("acme", user);
        await().atMost(TIMEOUT).until(() -> given().get(ready).statusCode() == 200
                && streams.state() == KafkaStreams.State.RUNNING);
    }

    List<Route> routes() {
        return List.of(
                new Route("POST", "/v1/tenants/acme/messages", false,
                        spec -> spec.contentType(ContentType.JSON).body(Map.of("user", user, "text", "hello"))),
                new Route("GET", "/v1/tenants/acme/sessions/" + session + "/replies", true, spec -> spec),
                new Route("POST", "/v1/tenants/acme/users/" + user + "/link-codes", false, spec -> spec),
                new Route("GET", "/v1/tenants/acme/users/" + user + "/links", false, spec -> spec),
                new Route("DELETE", "/v1/tenants/acme/users/" + user + "/links/whatsapp/+4915100000000", false,
                        spec -> spec));
    }

    Response call(Route route, Map<String, String> headers) {
        RequestSpecification spec = route.body().apply(given().headers(headers));
        return spec.request(route.method(), route.path());
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", TestTokens.bearer(token));
    }

    static Map<String, String> key(String key) {
        return Map.of("X-Api-Key", key);
    }

    @Test
    void everyRouteRefusesEveryCallerButTheRightOne() {
        Map<String, Map<String, String>> unauthenticated = new LinkedHashMap<>();
        unauthenticated.put("nobody", Map.of());
        unauthenticated.put("a wrong key", key("not-a-key"));
        unauthenticated.put("an expired token", bearer(TestTokens.expired("acme", Roles.USER)));
        unauthenticated.put("a forged token", bearer(TestTokens.forged("acme", Roles.USER)));
        unauthenticated.put("a token for another audience", bearer(TestTokens.otherAudience("acme", Roles.USER)));
        unauthenticated.put("a malformed token", Map.of("Authorization", "Bearer not.a.token"));

        Map<String, Map<String, String>> otherTenant = new LinkedHashMap<>();
        otherTenant.put("globex's key", key(Callers.GLOBEX_KEY));
        otherTenant.put("a globex user token for the same user name", bearer(TestTokens.user("globex", user)));

        List<String> failures = new ArrayList<>();
        for (Route route : routes()) {
            unauthenticated.forEach((who, headers) -> expect(failures, route, who, call(route, headers), 401));
            expect(failures, route, "an auditor", call(route, bearer(TestTokens.auditor("acme"))), 403);
            expect(failures, route, "a platform admin", call(route, bearer(TestTokens.admin())), 403);
            otherTenant.forEach((who, headers) -> {
                Response answer = call(route, headers);
                expect(failures, route, who, answer, 404);
                String body = answer.asString();
                if (body.contains(session) || body.contains(user)) {
                    failures.add(route + ": " + who + " got an answer naming acme's session or user: " + body);
                }
            });
        }
        Map<String, Integer> operator = Map.of("POST /v1/tenants/acme/messages", 403,
                "GET /v1/tenants/acme/sessions/" + session + "/replies", 403,
                "POST /v1/tenants/acme/users/" + user + "/link-codes", 403);
        for (Route route : routes()) {
            Integer refused = operator.get(route.toString());
            if (refused != null) {
                expect(failures, route, "an operator", call(route, bearer(TestTokens.operator("acme"))), refused);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aUserTokenActsOnlyForItsOwnUser() {
        String other = "other-" + UUID.randomUUID();
        Map<String, String> otherUser = bearer(TestTokens.user("acme", other));
        List<String> failures = new ArrayList<>();
        for (Route route : routes()) {
            int expected = route.stream() ? 404 : 403;
            expect(failures, route, "another user's token", call(route, otherUser), expected);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void theRightKeyOrTokenIsServed() throws Exception {
        for (Map<String, String> right : List.of(key(Callers.ACME_KEY), bearer(TestTokens.user("acme", user)))) {
            String phone = "+49151" + (10_000_000 + (long) (Math.random() * 89_999_999));
            link(phone);
            List<Route> routes = routes();
            assertThat(call(routes.get(0), right).statusCode()).as(routes.get(0).toString()).isEqualTo(202);
            assertThat(openStream(routes.get(1), right)).as(routes.get(1).toString()).isEqualTo(200);
            assertThat(call(routes.get(2), right).statusCode()).as(routes.get(2).toString()).isEqualTo(201);
            Response list = call(routes.get(3), right);
            assertThat(list.statusCode()).as(routes.get(3).toString()).isEqualTo(200);
            assertThat(list.asString()).contains(phone);
            Route revoke = new Route("DELETE", "/v1/tenants/acme/users/" + user + "/links/whatsapp/" + phone, false,
                    spec -> spec);
            assertThat(call(revoke, right).statusCode()).as(revoke.toString()).isEqualTo(204);
        }
        Route list = routes().get(3);
        assertThat(call(list, bearer(TestTokens.operator("acme"))).statusCode()).as("an operator lists links")
                .isEqualTo(200);
    }

    /** Links a phone number to the user, as a redeemed code does, and waits until the global table has it. */
    void link(String phone) {
        TopicWriter.send(bootstrap, Topics.IDENTITY_LINKS, ChannelTurns.linkKey("acme", "whatsapp", phone),
                IdentityLink.newBuilder().setTenant("acme").setChannel("whatsapp").setChannelUserId(phone)
                        .setUser(user).setLinkedAt(Instant.now()).build());
        await().atMost(TIMEOUT).until(() -> links.links("acme", user).stream()
                .anyMatch(link -> link.getChannelUserId().equals(phone)));
    }

    /** Opens the stream, lets one reply through it, and answers its status. */
    int openStream(Route route, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(route.path())).header("Accept",
                "text/event-stream");
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<InputStream>> answer = HttpClient.newHttpClient()
                .sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        await().atMost(TIMEOUT).until(() -> hub.streamCount("acme", session) == 1);
        Replies.send(session, Replies.forSession("acme", session, "ping"));
        HttpResponse<InputStream> response = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        response.body().close();
        await().atMost(TIMEOUT).until(() -> hub.streamCount("acme", session) == 0);
        return response.statusCode();
    }

    static void expect(List<String> failures, Route route, String who, Response answer, int status) {
        if (answer.statusCode() != status) {
            failures.add(route + ": " + who + " answered " + answer.statusCode() + " (expected " + status + ") "
                    + answer.asString());
        } else if (!answer.contentType().startsWith(Problem.MEDIA_TYPE)
                || answer.jsonPath().getInt("status") != status) {
            failures.add(route + ": " + who + " answered without a problem body: " + answer.asString());
        }
    }
}
