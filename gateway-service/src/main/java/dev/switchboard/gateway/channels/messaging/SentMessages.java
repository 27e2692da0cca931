package dev.switchboard.gateway.channels.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.events.ReplyOutbound;

/**
 * The replies this instance sent recently, by the platform's id of the sent message, so that a status
 * webhook (delivered, read, failed) can be reported against the reply it concerns. Bounded: the oldest
 * are forgotten first, and a status for a message sent by another instance, or before a restart, is not
 * found (it is logged and acknowledged to the platform).
 */
@ApplicationScoped
public class SentMessages {

    static final int CAPACITY = 10_000;

    private final Map<String, ReplyOutbound> sent = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ReplyOutbound> eldest) {
            return size() > CAPACITY;
        }
    };

    public synchronized void remember(String tenant, String channel, String platformMessageId, ReplyOutbound reply) {
        sent.put(key(tenant, channel, platformMessageId), reply);
    }

    public synchronized Optional<ReplyOutbound> find(String tenant, String channel, String platformMessageId) {
        return Optional.ofNullable(sent.get(key(tenant, channel, platformMessageId)));
    }

    private static String key(String tenant, String channel, String platformMessageId) {
        return tenant + "/" + channel + "/" + platformMessageId;
    }
}
