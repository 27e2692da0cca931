package dev.switchboard.compliance.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.events.AuditAnchor;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Anchors every chain's head outside the database (one chain per tenant and source partition, {@link ChainKey}):
 * writes {@code AuditAnchor} records to {@code audit.anchors} (compacted; only compliance may write it), which
 * verification compares with the chains, so rewriting a chain's tail together with its head in PostgreSQL is
 * detected. An anchor names its chain: its key and its {@code tenant} field are the chain's {@link ChainKey#id()},
 * {@code tenant/partition}, so compaction keeps the latest anchor of each chain; every chain of a tenant is anchored in
 * the partition of the topic that the tenant's name hashes to ({@link AnchorReader#partitionFor}), so one partition
 * read finds them all. Reads {@code audit.anchors} only to learn the anchors it extends.
 *
 * <p>Batched: a committed append only notes the chain's new head; a flush every
 * {@code switchboard.compliance.anchors.interval} (and one at shutdown) publishes at most one anchor per chain, the
 * latest head. Before moving a chain's anchor it checks that the row at the previous anchor still has the anchored
 * hash: a chain rewritten below its anchor is never re-anchored, so the next append cannot hide the rewrite, and
 * verification keeps reporting it. Anchors are only ever taken from heads this service appended itself, never read
 * back from the database (a restart does not anchor whatever the database holds).
 */
@ApplicationScoped
public class AnchorPublisher {

    private static final Logger LOG = Logger.getLogger(AnchorPublisher.class);
    private static final long ACK_TIMEOUT_SECONDS = 10;

    private final KafkaClientConfig kafka;
    private final AnchorReader reader;
    private final AnchoredRows rows;
    /** Heads appended and committed since the last flush, per chain. */
    private final Map<ChainKey, ChainHead> pending = new ConcurrentHashMap<>();
    /** What {@code audit.anchors} holds for a chain as far as this instance knows (its own writes, or read). */
    private final Map<ChainKey, ChainHead> anchored = new ConcurrentHashMap<>();
    /** The partitions of {@code audit.anchors} read so far, and how many it has (0 before the first read). */
    private final Set<Integer> loaded = ConcurrentHashMap.newKeySet();
    private volatile int partitions;
    private final ScheduledExecutorService scheduler;
    private KafkaProducer<String, AuditAnchor> producer;

    AnchorPublisher(KafkaClientConfig kafka, AnchorReader reader, AnchoredRows rows,
            @ConfigProperty(name = "switchboard.compliance.anchors.interval", defaultValue = "2s") Duration interval) {
        this.kafka = kafka;
        this.reader = reader;
        this.rows = rows;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "compliance-audit-anchors");
            thread.setDaemon(true);
            return thread;
        });
        long millis = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Notes a committed append; the next flush anchors it. */
    void appended(@Observes(during = TransactionPhase.AFTER_SUCCESS) ChainAppended event) {
        pending.merge(event.chain(), event.head(), (a, b) -> a.seq() >= b.seq() ? a : b);
    }

    /**
     * Publishes the latest pending head of every chain and waits for the broker's acknowledgements; what could not
     * be published stays pending for the next flush.
     */
    public synchronized void flush() {
        List<ChainKey> chains = new ArrayList<>(pending.keySet());
        List<Sent> sent = new ArrayList<>();
        for (ChainKey chain : chains) {
            ChainHead head = pending.remove(chain);
            if (head == null) {
                continue;
            }
            try {
                if (extendsAnchor(chain, head)) {
                    int partition = AnchorReader.partitionFor(chain.tenant(),
                            producer().partitionsFor(Topics.AUDIT_ANCHORS.name()).size());
                    sent.add(new Sent(chain, head, producer().send(new ProducerRecord<>(Topics.AUDIT_ANCHORS.name(),
                            partition, chain.id(), new AuditAnchor(chain.tenant(), head.seq(), head.hash(), Instant.now())))));
                }
            } catch (RuntimeException e) {
                LOG.warnf("Audit anchor of chain %s not published, will retry: %s", chain, e.getMessage());
                keepPending(chain, head);
            }
        }
        for (Sent one : sent) {
            try {
                one.ack().get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                anchored.merge(one.chain(), one.head(), (a, b) -> a.seq() >= b.seq() ? a : b);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                keepPending(one.chain(), one.head());
            } catch (Exception e) {
                LOG.warnf("Audit anchor of chain %s not acknowledged, will retry: %s", one.chain(), e.getMessage());
                keepPending(one.chain(), one.head());
            }
        }
    }

    /**
     * Whether {@code head} may become the chain's anchor: it is newer than the anchor, and the chain still holds the
     * anchored row unchanged.
     */
    private boolean extendsAnchor(ChainKey chain, ChainHead head) {
        Optional<ChainHead> previous = Optional.ofNullable(anchored.get(chain)).or(() -> read(chain));
        if (previous.isEmpty()) {
            return true;
        }
        if (previous.get().seq() >= head.seq()) {
            return false;
        }
        if (!rows.holds(chain, previous.get())) {
            LOG.errorf("The audit chain %s no longer holds its anchored row (chain_seq %d): it was changed outside this "
                    + "service. Its anchor is left where it was, so verification reports it.", chain,
                    previous.get().seq());
            return false;
        }
        return true;
    }

    /** The anchor on the topic, read once per partition and then kept up to date by this instance's own writes. */
    private Optional<ChainHead> read(ChainKey chain) {
        if (partitions > 0 && loaded.contains(AnchorReader.partitionFor(chain.tenant(), partitions))) {
            return Optional.empty();
        }
        AnchorReader.Partition partition = reader.partitionOf(chain.tenant());
        partition.latest().forEach((key, anchor) -> anchored.merge(key,
                new ChainHead(anchor.getChainSeq(), anchor.getRowHash()), (a, b) -> a.seq() >= b.seq() ? a : b));
        partitions = partition.partitions();
        loaded.add(partition.partition());
        return Optional.ofNullable(anchored.get(chain));
    }

    private void keepPending(ChainKey chain, ChainHead head) {
        pending.merge(chain, head, (a, b) -> a.seq() >= b.seq() ? a : b);
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("Audit anchors not flushed", e);
        }
    }

    private synchronized KafkaProducer<String, AuditAnchor> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(kafka.with(Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-anchors",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 9_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 8_000,
                    ProducerConfig.LINGER_MS_CONFIG, 0)),
                    Topics.AUDIT_ANCHORS.keySerde().serializer(), Topics.AUDIT_ANCHORS.valueSerde().serializer());
        }
        return producer;
    }

    /** The last flush, while the database and the broker are still there. */
    void onStop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
        flushQuietly();
    }

    @PreDestroy
    synchronized void close() {
        scheduler.shutdownNow();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    private record Sent(ChainKey chain, ChainHead head, Future<RecordMetadata> ack) {
    }
}
