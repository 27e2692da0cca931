package dev.switchboard.memory.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the memory service, under {@code switchboard.memory}. */
@ConfigMapping(prefix = "switchboard.memory")
public interface MemoryConfig {

    /** How many of a session's most recent messages the state keeps. */
    @WithDefault("20")
    int recentMessages();

    /**
     * The longest rolling summary of the messages that left the recent window, in characters; the oldest
     * part is dropped beyond it.
     */
    @WithDefault("1000")
    int summaryMaxChars();

    /** The longest gist of one message in the summary (its first sentence, cut), in characters. */
    @WithDefault("160")
    int summaryMessageChars();

    /**
     * The host name other instances use to reach this one for interactive queries; it becomes the host
     * part of {@code quarkus.kafka-streams.application-server}. On Kubernetes, the pod IP or DNS name.
     */
    @WithDefault("localhost")
    String advertisedHost();

    /**
     * How long a query waits for the store to become queryable (startup, rebalance) before it answers
     * 503, and how long it waits for the instance that owns the session when it forwards the query.
     */
    @WithDefault("5s")
    Duration queryTimeout();
}
