package dev.switchboard.gateway.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.Callers;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class ChannelsTest {

    @Test
    void channelsUseTheCatalogTopics() {
        Config config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.outgoing." + TurnService.TURNS_RAW + ".topic", String.class))
                .isEqualTo(Topics.TURNS_RAW.name());
        assertThat(config.getValue("mp.messaging.outgoing." + ReplyConsumer.DELIVERIES + ".topic", String.class))
                .isEqualTo(Topics.DELIVERIES.name());
    }

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Test
    void healthIsOnTheManagementInterfaceOnly() {
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get(ready).statusCode() == 200);
        assertThat(ready.getPort()).isNotEqualTo(RestAssured.port);
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/openapi").then().statusCode(404);
    }
}
