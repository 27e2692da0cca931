package dev.switchboard.gateway.channels.messaging;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.messaging.TopicFollower;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.StartupEvent;

/**
 * The replies sent on messaging channels, by the platform's id of the sent message, so that a status webhook
 * (delivered, read, failed) is reported against the reply it concerns, whichever instance receives it and also
 * after a restart: each send is written to {@code channels.sent} (key {@code <tenant>/<channel>/<platform
 * message id>}), and every instance follows that topic from {@value #LOOK_BACK_DAYS} days back into a bounded
 * map. A status for an older message, or one evicted from the map, is not found (logged and acknowledged).
 */
@ApplicationScoped
public class SentMessages {

    private static final Logger LOG = Logger.getLogger(SentMessages.class);
    static final int CAPACITY = 100_000;
    static final int LOOK_BACK_DAYS = 2;
    /** How long a lookup waits for the recent sends of other instances to have been read at start-up. */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(5);

    private final Map<String, ReplyOutbound> sent = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ReplyOutbound> eldest) {
                    return size() > CAPACITY;
                }
            });
    private final TopicFollower<ReplyOutbound> follower;
    private final KafkaProducer<String, ReplyOutbound> producer;

    SentMessages(KafkaClientConfig kafka) {
        this.follower = new TopicFollower<>(kafka.connection(), Topics.CHANNELS_SENT, Duration.ofDays(LOOK_BACK_DAYS),
                (key, reply) -> {
                    if (reply != null) {
                        sent.put(key, reply);
                    }
                });
        this.producer = new KafkaProducer<>(kafka.with(Map.of(
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.CLIENT_ID_CONFIG, "switchboard-gateway-channels-sent")),
                Topics.CHANNELS_SENT.keySerde().serializer(), Topics.CHANNELS_SENT.valueSerde().serializer());
    }

    void start(@Observes StartupEvent event) {
        follower.start();
    }

    @PreDestroy
    void stop() {
        follower.stop();
        producer.close(Duration.ofSeconds(5));
    }

    /** Records a sent reply here at once and, for the other instances, on {@code channels.sent}. */
    public void remember(String tenant, String channel, String platformMessageId, ReplyOutbound reply) {
        String key = key(tenant, channel, platformMessageId);
        sent.put(key, reply);
        producer.send(new ProducerRecord<>(Topics.CHANNELS_SENT.name(), key, reply), (metadata, failure) -> {
            if (failure != null) {
                LOG.warnf(failure, "Could not record sent message %s: a status for it reaching another instance "
                        + "will not be reported", key);
            }
        });
    }

    public Optional<ReplyOutbound> find(String tenant, String channel, String platformMessageId) {
        String key = key(tenant, channel, platformMessageId);
        ReplyOutbound reply = sent.get(key);
        if (reply == null && !follower.awaitCaughtUp(CATCH_UP_WAIT)) {
            LOG.warnf("channels.sent not read up to its end yet; %s not found", key);
        }
        return Optional.ofNullable(reply != null ? reply : sent.get(key));
    }

    private static String key(String tenant, String channel, String platformMessageId) {
        return tenant + "/" + channel + "/" + platformMessageId;
    }
}
