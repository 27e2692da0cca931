package dev.switchboard.runtime.streams;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.inject.spi.CDI;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import dev.switchboard.runtime.kafka.KafkaClientConfig;

/**
 * Builds a service's topology with the configured optimizations. Kafka Streams applies {@code topology.optimization}
 * only when the builder is given it: set in the application's Streams configuration alone, it changes nothing. With
 * {@code all} (the runtime's default, {@code kafka-streams.topology.optimization}) a table read from a topic is
 * restored from that topic instead of a changelog of its own: the supervisor's session table is backed by
 * {@code sessions.state} itself, not by a second copy of every session state.
 */
public final class Topologies {

    private static final Logger LOG = Logger.getLogger(Topologies.class);
    private static final Pattern THREAD_INDEX = Pattern.compile("-StreamThread-(\\d+)$");
    private static final Duration STATIC_MEMBER_REMOVAL_DELAY = Duration.ofSeconds(2);

    private Topologies() {
    }

    /**
     * What a stream thread that dies of an exception is replaced by: a new thread, which takes over the dead one's
     * tasks, so that one failure does not stop the service. Records that cannot be used never get this far: they go
     * to {@code deadletters} ({@link DeadLetterHandler}); what does is a failure of the thread itself (a dependency
     * down, a dead letter that could not be written, a commit refused after the broker restarted), and the
     * replacement reads from the last commit again. (A failed global thread cannot be replaced: Kafka Streams then
     * shuts the client down, and readiness goes DOWN.) Each Streams service produces it as its
     * {@link StreamsUncaughtExceptionHandler} bean.
     *
     * <p>With static membership ({@code kafka-streams.group.instance.id}) each thread is the static member
     * {@code <id>-<thread index>}, and the replacement gets a new index: the dead thread's member would stay in the
     * group, and every rebalance would wait for it until the rebalance timeout (five minutes). So the dead member is
     * removed from the group as the thread is replaced ({@link #removeStaticMember}).
     */
    public static StreamsUncaughtExceptionHandler replaceFailedThread() {
        return exception -> {
            String thread = Thread.currentThread().getName();
            LOG.errorf(exception, "Stream thread %s failed; replacing it", thread);
            removeStaticMember(thread);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    /**
     * Removes the static member of the stream thread {@code thread} (named {@code ...-StreamThread-<n>}) from the
     * service's group, in the background: a few seconds later, once the thread has closed its consumer. Nothing to do
     * without static membership.
     */
    static void removeStaticMember(String thread) {
        Config config = ConfigProvider.getConfig();
        Optional<String> instanceId = config.getOptionalValue("kafka-streams.group.instance.id", String.class);
        Optional<String> group = config.getOptionalValue("quarkus.kafka-streams.application-id", String.class);
        Matcher index = THREAD_INDEX.matcher(thread);
        if (instanceId.isEmpty() || group.isEmpty() || !index.find()) {
            return;
        }
        String member = instanceId.get() + "-" + index.group(1);
        Map<String, Object> connection = CDI.current().select(KafkaClientConfig.class).get().connection();
        Thread remover = new Thread(() -> {
            try (Admin admin = Admin.create(connection)) {
                Thread.sleep(STATIC_MEMBER_REMOVAL_DELAY.toMillis());
                admin.removeMembersFromConsumerGroup(group.get(), new RemoveMembersFromConsumerGroupOptions(
                        List.of(new MemberToRemove(member)))).all().get(30, TimeUnit.SECONDS);
                LOG.infof("Removed the static member %s of the failed stream thread %s from group %s", member, thread,
                        group.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warnf("The static member %s of the failed stream thread %s stays in group %s until its session "
                        + "times out: %s", member, thread, group.get(), e.getMessage());
            }
        }, "remove-static-member-" + member);
        remover.setDaemon(true);
        remover.start();
    }

    public static Topology build(StreamsBuilder builder) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, ConfigProvider.getConfig()
                .getOptionalValue("kafka-streams.topology.optimization", String.class).orElse(StreamsConfig.OPTIMIZE));
        return builder.build(properties);
    }
}
