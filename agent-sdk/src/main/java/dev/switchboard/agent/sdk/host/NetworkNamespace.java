package dev.switchboard.agent.sdk.host;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a tool process in a network namespace of its own (Linux {@code unshare --user --net}), where it has
 * no network interface but loopback: nothing it opens reaches the host's network. Where user namespaces are
 * not allowed (some containers, other systems), {@link ToolProcess.Network#AUTO} runs the process on the
 * host's network and says so in the log; on Kubernetes, the tool container's network policy does this job.
 */
final class NetworkNamespace {

    private static volatile Boolean available;

    private NetworkNamespace() {
    }

    /** The command prefix that starts a process without network, or nothing. */
    static List<String> prefix(ToolProcess.Network network) {
        return switch (network) {
            case SHARED -> List.of();
            case ISOLATED -> {
                if (!available()) {
                    throw new IllegalStateException("this machine does not allow a network namespace for the tool "
                            + "process (unshare -rn failed); set the network to AUTO or SHARED to run it anyway");
                }
                yield List.of("unshare", "-rn");
            }
            case AUTO -> available() ? List.of("unshare", "-rn") : List.of();
        };
    }

    static String describe(ToolProcess.Network network) {
        return prefix(network).isEmpty() ? "shared with the host" : "none (own network namespace)";
    }

    static boolean available() {
        Boolean known = available;
        if (known == null) {
            known = probe();
            available = known;
        }
        return known;
    }

    private static boolean probe() {
        try {
            Process process = new ProcessBuilder("unshare", "-rn", "true").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
