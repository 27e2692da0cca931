package dev.switchboard.gateway.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class ChannelsTest {

    @Test
    void channelsUseTheCatalogTopics() {
        Config config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.outgoing." + TurnService.TURNS_RAW + ".topic", String.class))
                .isEqualTo(Topics.TURNS_RAW.name());
        assertThat(config.getValue("mp.messaging.incoming." + ReplyConsumer.REPLIES_OUTBOUND + ".topic", String.class))
                .isEqualTo(Topics.REPLIES_OUTBOUND.name());
        assertThat(config.getValue("mp.messaging.outgoing." + ReplyConsumer.DELIVERIES + ".topic", String.class))
                .isEqualTo(Topics.DELIVERIES.name());
        assertThat(config.getValue("mp.messaging.incoming." + ReplyConsumer.REPLIES_OUTBOUND
                + ".dead-letter-queue.topic", String.class)).isEqualTo(Topics.DEAD_LETTERS.name());
    }

    @Test
    void everyInstanceReadsRepliesInAGroupOfItsOwn() {
        Config config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.incoming." + ReplyConsumer.REPLIES_OUTBOUND + ".group.id", String.class))
                .startsWith("switchboard-gateway-").hasSizeGreaterThan("switchboard-gateway-".length() + 30);
        assertThat(config.getValue("mp.messaging.incoming." + ReplyConsumer.REPLIES_OUTBOUND + ".auto.offset.reset",
                String.class)).isEqualTo("latest");
        assertThat(config.getValue("mp.messaging.incoming." + ReplyConsumer.REPLIES_OUTBOUND
                + ".consumer-rebalance-listener.name", String.class)).isEqualTo(ReplyPartitions.NAME);
    }
}
