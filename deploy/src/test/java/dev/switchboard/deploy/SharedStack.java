package dev.switchboard.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.switchboard.deploy.local.LocalSettings;
import dev.switchboard.deploy.local.LocalStack;

/**
 * The stack every end-to-end test class of this JVM talks to: PostgreSQL, a Kafka broker process with SASL/SCRAM and
 * ACLs, and the five packaged services, on free ports in {@code deploy/target/e2e-*}. Started on first use, stopped
 * when the JVM exits.
 */
final class SharedStack {

    static final String WHATSAPP = "switchboard.gateway.channels." + LocalStack.DEMO_TENANT + ".whatsapp.";
    static final String WHATSAPP_APP_SECRET = "e2e-app-secret";
    /** Stands in for the WhatsApp Cloud API's send endpoint. */
    static final FakeWhatsAppApi WHATSAPP_API = FakeWhatsAppApi.start();

    private static LocalStack stack;

    private SharedStack() {
    }

    static synchronized LocalStack get() throws Exception {
        if (stack == null) {
            Path root = Path.of(System.getProperty("switchboard.root", "..")).toAbsolutePath().normalize();
            int[] ports = new int[5];
            int[] management = new int[5];
            for (int i = 0; i < 5; i++) {
                ports[i] = freePort();
                management[i] = freePort();
            }
            LocalSettings settings = new LocalSettings(root, root.resolve("deploy/target/e2e-" + UUID.randomUUID()),
                    freePort(), freePort(), freePort(), LocalSettings.services(ports, management),
                    3, List.of("concierge", "billing-agent", "tech-support"))
                    .withProperties("gateway-service", Map.of(
                            WHATSAPP + "app-secret", WHATSAPP_APP_SECRET,
                            WHATSAPP + "verify-token", "e2e-verify-token",
                            WHATSAPP + "phone-number-id", "1122334455667",
                            WHATSAPP + "access-token", "e2e-access-token",
                            WHATSAPP + "base-url", WHATSAPP_API.baseUrl()));
            long started = System.nanoTime();
            LocalStack started_ = LocalStack.start(settings);
            System.out.printf("[e2e] stack ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started_.close();
                WHATSAPP_API.close();
            }, "e2e-stack-stop"));
            stack = started_;
        }
        return stack;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
