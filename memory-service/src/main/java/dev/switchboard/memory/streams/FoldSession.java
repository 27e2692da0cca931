package dev.switchboard.memory.streams;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.jboss.logging.Logger;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.memory.SessionFold;
import dev.switchboard.memory.StateSizeLimit;
import dev.switchboard.runtime.streams.IdleSessions;
import dev.switchboard.runtime.streams.PromptCommits;

/**
 * Folds each event of a session into its state in {@value TopologyProducer#STORE} and forwards the new state (to
 * {@code sessions.state}); deletes the state, forwarding a tombstone, when the session's user is erased or when
 * the session has been idle for the configured expiry.
 *
 * <p>The store has no changelog: {@code sessions.state} is its record, written once per event. When a task starts,
 * the store is rebuilt from the committed records of the task's partition of that topic
 * ({@link SessionStateSource}); it is co-partitioned with the inputs and written in the same transactions that
 * commit their offsets, so it holds exactly the states of the inputs read so far.
 *
 * <p>Every state is kept within {@link StateSizeLimit the byte limit}. Idle sessions are found through
 * {@link IdleSessions}, a time-bucketed index of last activity (wall clock of processing): a punctuation deletes
 * at most {@link SessionLimits#expiryBatch()} sessions per run, so its transaction stays small however many
 * sessions there are.
 */
final class FoldSession implements Processor<String, SpecificRecord, String, SessionState> {

    private static final Logger LOG = Logger.getLogger(FoldSession.class);

    private final SessionFold fold;
    private final StateSizeLimit sizeLimit;
    private final SessionLimits limits;
    private final SessionStateSource committed;
    private ProcessorContext<String, SessionState> context;
    private TimestampedKeyValueStore<String, SessionState> states;
    private IdleSessions idle;

    FoldSession(SessionFold fold, StateSizeLimit sizeLimit, SessionLimits limits, SessionStateSource committed) {
        this.fold = fold;
        this.sizeLimit = sizeLimit;
        this.limits = limits;
        this.committed = committed;
    }

    @Override
    public void init(ProcessorContext<String, SessionState> context) {
        this.context = context;
        this.states = context.getStateStore(TopologyProducer.STORE);
        this.idle = new IdleSessions(context.getStateStore(TopologyProducer.ACTIVITY_STORE),
                context.getStateStore(TopologyProducer.IDLE_INDEX_STORE), limits.expiryInterval());
        context.schedule(limits.expiryInterval(), PunctuationType.WALL_CLOCK_TIME, this::expireIdleSessions);
        load(context.taskId().partition());
    }

    /**
     * Rebuilds the store from the committed states of the task's partition of {@code sessions.state}, which is the
     * store's only record (it has no changelog of its own). Whatever the store held before is dropped first: after
     * a crash it may hold folds whose transaction never committed.
     */
    private void load(int partition) {
        long started = System.nanoTime();
        int[] counts = new int[2];
        try (KeyValueIterator<String, ValueAndTimestamp<SessionState>> all = states.all()) {
            List<String> stale = new ArrayList<>();
            all.forEachRemaining(entry -> stale.add(entry.key));
            stale.forEach(states::delete);
            counts[0] = stale.size();
        }
        committed.read(partition, (session, state, timestamp) -> {
            if (state == null) {
                states.delete(session);
            } else {
                states.put(session, ValueAndTimestamp.make(state, timestamp));
            }
            counts[1]++;
        });
        LOG.infof("Loaded partition %d of sessions.state into the store: %d records read, %d stale entries dropped, "
                + "%d ms", partition, counts[1], counts[0], (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        // The supervisor reads the folded state for the session's next turn: commit at once while traffic is light.
        PromptCommits.requested(context);
        String session = record.key();
        SpecificRecord event = record.value();
        if (session == null || event == null) {
            LOG.debugf("Skipped a record without key or value");
            return;
        }
        ValueAndTimestamp<SessionState> stored = states.get(session);
        SessionState before = stored == null ? fold.empty() : stored.value();
        if (event instanceof ErasureRequested erasure) {
            if (stored != null && fold.erase(session, erasure, before) == null) {
                delete(session, record.timestamp());
                idle.forget(session);
            }
            return;
        }
        SessionState after;
        if (event instanceof TurnReceived turn) {
            after = fold.turn(session, turn, before);
        } else if (event instanceof AgentResult result) {
            after = fold.result(session, result, before);
        } else if (event instanceof ReplyOutbound reply) {
            after = fold.reply(session, reply, before);
        } else {
            throw new IllegalArgumentException("not a session event: " + event.getClass().getName());
        }
        after = sizeLimit.bounded(after);
        states.put(session, ValueAndTimestamp.make(after, record.timestamp()));
        idle.touch(session, context.currentSystemTimeMs());
        context.forward(record.withValue(after));
    }

    private void expireIdleSessions(long now) {
        for (String session : idle.expire(now, limits.idleExpiry(), limits.expiryBatch())) {
            delete(session, now);
        }
    }

    /** Deletes the state from the store and writes a tombstone to {@code sessions.state}. */
    private void delete(String session, long timestamp) {
        states.delete(session);
        context.forward(new Record<String, SessionState>(session, null, timestamp));
    }
}
