package dev.switchboard.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.switchboard.agent.sdk.host.ToolProcess;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which agents this instance hosts, and how it consumes their tasks. */
@ConfigMapping(prefix = "switchboard.agent-service")
public interface AgentServiceConfig {

    /** Ids of the hosted agents: each is consumed from its own task topic by its own consumer group. */
    @WithDefault("concierge")
    List<String> agents();

    /**
     * Sessions of one agent processed at the same time by this instance (one session is always in order): the
     * size of the agent's own pool of session threads, its bulkhead, which no other agent's tasks use.
     */
    @WithDefault("8")
    int concurrency();

    /**
     * The most tasks one poll of an agent's task topic returns ({@code max.poll.records}); empty: the agent's
     * {@link #concurrency()}. A poll's tasks are answered together and committed in one transaction, so the slowest
     * task of a poll holds back the results of the others: a poll about as large as the pool keeps that wait short.
     */
    Optional<Integer> maxPollRecords();

    /** {@link #maxPollRecords()}, or the concurrency when unset; at least 1. */
    default int pollRecords() {
        return Math.max(1, maxPollRecords().orElse(concurrency()));
    }

    /**
     * Stable id of this instance, part of its transactional ids: it must differ between running
     * instances and stay the same across one instance's restarts.
     */
    @WithDefault("${HOSTNAME:local}")
    String instanceId();

    /**
     * Per-agent choice of model, overriding the name in the agent's {@code @Agent(model = ...)}:
     * {@code switchboard.agent-service.models."billing-agent"=claude}. Names refer to {@code switchboard.models.<name>}.
     */
    Map<String, String> models();

    /** How long a poll waits for tasks. */
    @WithDefault("200ms")
    Duration pollTimeout();

    /**
     * The largest result, in bytes (serialized, with its key and room for the record's framing), written to
     * {@code agent.results.raw}; a larger one is replaced by a {@code result_too_large} failure with the same usage.
     * The producer's {@code max.request.size} and the topic's {@code max.message.bytes} (1 MiB by default) lower it.
     */
    @WithDefault("1048576")
    int maxResultBytes();

    /**
     * How often a poll's transaction that aborted (other than by fencing or a rebalance) is written again, with the
     * same results, before the poll's tasks are written in a transaction each.
     */
    @WithDefault("5")
    int transactionRetries();

    /** The wait before the first retry of a poll's transaction, doubled for each next one. */
    @WithDefault("200ms")
    Duration transactionBackoff();

    /**
     * The wait before an agent's worker that stopped unexpectedly is replaced by a new one, doubled for each next
     * restart up to a minute.
     */
    @WithDefault("1s")
    Duration restartBackoff();

    /** How each hosted agent's tool process runs. */
    Tools tools();

    /**
     * Where each agent's declared egress goes, per agent id and egress name:
     * {@code switchboard.agent-service.egress."billing-agent".payments.url=https://payments.internal/api} and
     * {@code ...payments.headers.Authorization=Bearer ...} (from the environment). The tool never sees them.
     */
    Map<String, Map<String, Egress>> egress();

    interface Tools {
        /** Heap limit of a tool process, in MB. */
        @WithDefault("128")
        int maxHeapMb();

        /** The most characters of one tool result the model reads; the rest is cut with a note. */
        @WithDefault("16000")
        int maxOutputChars();

        /** {@code auto}: no network where the machine allows a namespace; {@code isolated}: refuse to start otherwise; {@code shared}. */
        @WithDefault("auto")
        ToolProcess.Network network();

        /** Libraries the agents' code needs beyond its own module and the SDK; checked like the agents. */
        Optional<List<Path>> classpath();
    }

    interface Egress {
        /** The base URL; a tool's paths stay under it. */
        URI url();

        /** Headers added to every request, such as credentials. */
        Map<String, String> headers();
    }
}
