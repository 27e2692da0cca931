package dev.switchboard.benchmark.faults;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WhatsApp users who write throughout the fault run, one message a second over all of them, each message delivered
 * by the platform's webhook until the gateway accepts it (200), as WhatsApp retries a webhook that failed. Every
 * message should get exactly one reply sent to the user through the WhatsApp API ({@link FakeWhatsApp}); a reply sent
 * twice is the bound of channel delivery (a crash between the platform's send and the record of it).
 */
final class WhatsAppUsers implements AutoCloseable {

    private final int gatewayPort;
    private final FakeWhatsApp whatsApp;
    private final String run;
    private final int users;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(8, runnable -> {
        Thread thread = new Thread(runnable, "whatsapp-users");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong posts = new AtomicLong();
    private ScheduledFuture<?> ticks;

    WhatsAppUsers(int gatewayPort, FakeWhatsApp whatsApp, String run, int users) {
        this.gatewayPort = gatewayPort;
        this.whatsApp = whatsApp;
        this.run = run;
        this.users = users;
    }

    synchronized void start() {
        ticks = scheduler.scheduleAtFixedRate(this::send, 0, 1, TimeUnit.SECONDS);
    }

    synchronized void stop() {
        if (ticks != null) {
            ticks.cancel(false);
            ticks = null;
        }
    }

    /** Waits until every message was accepted and the replies caught up (or {@code seconds} passed). */
    void awaitReplies(int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && (inFlight.get() > 0 || missing() > 0)) {
            Thread.sleep(500);
        }
        Thread.sleep(2000);
    }

    /** Messages accepted by the gateway so far. */
    long messages() {
        return accepted.values().stream().mapToLong(AtomicInteger::get).sum();
    }

    /** Webhook posts so far, retries included. */
    long posts() {
        return posts.get();
    }

    /** Replies sent beyond one per message, over all users so far. */
    long duplicates() {
        return accepted.entrySet().stream()
                .mapToLong(user -> Math.max(0, whatsApp.repliesTo(user.getKey()) - user.getValue().get())).sum();
    }

    /** Messages without a reply sent so far. */
    long missing() {
        return accepted.entrySet().stream()
                .mapToLong(user -> Math.max(0, user.getValue().get() - whatsApp.repliesTo(user.getKey()))).sum();
    }

    private void send() {
        long n = sent.incrementAndGet();
        String waId = "1555" + (3000000 + Math.abs(run.hashCode() % 1000) * 1000 + (int) (n % users));
        String id = "wamid.trickle-" + run + "-" + n;
        inFlight.incrementAndGet();
        deliver(waId, id, "WhatsApp message " + n + ", mail wa" + n + "@" + FaultLoad.MARKER, System.nanoTime());
    }

    private void deliver(String waId, String id, String text, long since) {
        posts.incrementAndGet();
        int status;
        try {
            status = FakeWhatsApp.deliver(gatewayPort, waId, id, text, System.currentTimeMillis() / 1000);
        } catch (Exception e) {
            status = -1;
        }
        if (status == 200) {
            accepted.computeIfAbsent(waId, key -> new AtomicInteger()).incrementAndGet();
            inFlight.decrementAndGet();
        } else if (System.nanoTime() - since < FaultLoad.GIVE_UP.toNanos()) {
            scheduler.schedule(() -> deliver(waId, id, text, since), 2, TimeUnit.SECONDS);
        } else {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void close() {
        stop();
        scheduler.shutdownNow();
    }
}
