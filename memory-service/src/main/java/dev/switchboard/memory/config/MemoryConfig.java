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
     * The most bytes one session's state may take as encoded on {@code sessions.state} (and in the store): beyond
     * it the oldest messages of the window move into the summary first (see {@code StateSizeLimit}).
     */
    @WithDefault("32768")
    int maxStateBytes();

    /**
     * How long a session may be idle (no cleared turn, result or reply) before its state is deleted, with a
     * tombstone on {@code sessions.state} and on the changelog, so that both compact it away. Its next event
     * starts a fresh state.
     */
    @WithDefault("24h")
    Duration sessionIdleExpiry();

    /** How often each stream task looks for idle sessions; also the width of the buckets of its activity index. */
    @WithDefault("1m")
    Duration sessionExpiryInterval();

    /** The most idle sessions one look deletes, per stream task: the bound on the work of one punctuation. */
    @WithDefault("1000")
    int sessionExpiryBatch();

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
