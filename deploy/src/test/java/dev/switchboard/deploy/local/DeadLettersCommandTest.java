package dev.switchboard.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

/** The arguments of {@code ./switchboard dead-letters}, and what it does with the running stack's answers. */
class DeadLettersCommandTest {

    @TempDir
    Path root;

    @Test
    void listShowAndRedriveBecomeTheirRoutes() {
        DeadLettersCommand.Command list = DeadLettersCommand.parse(new String[] {"list", "--tenant", "demo"});
        assertThat(list.method()).isEqualTo("GET");
        assertThat(list.path()).isEqualTo("/v1/tenants/demo/dead-letters");
        assertThat(DeadLettersCommand.parse(new String[] {"list", "--limit", "5", "--tenant", "demo", "--position",
                "3,0,7,0,0,1"}).path()).isEqualTo("/v1/tenants/demo/dead-letters?limit=5&position=3%2C0%2C7%2C0%2C0%2C1");
        DeadLettersCommand.Command show = DeadLettersCommand.parse(new String[] {"show", "2-17", "--tenant", "demo"});
        assertThat(show.method()).isEqualTo("GET");
        assertThat(show.path()).isEqualTo("/v1/tenants/demo/dead-letters/2-17");
        DeadLettersCommand.Command redrive = DeadLettersCommand.parse(new String[] {"redrive", "--tenant", "globex", "0-3"});
        assertThat(redrive.method()).isEqualTo("POST");
        assertThat(redrive.path()).isEqualTo("/v1/tenants/globex/dead-letters/0-3/redrive");
        assertThat(DeadLettersCommand.parse(new String[] {"show", "../x y", "--tenant", "a/b"}).path())
                .as("path segments are encoded").isEqualTo("/v1/tenants/a%2Fb/dead-letters/..%2Fx%20y");
    }

    @Test
    void misuseIsRefusedSayingWhat() {
        List<List<String>> wrong = List.of(
                List.of(),
                List.of("purge", "--tenant", "demo"),
                List.of("list"),
                List.of("list", "--tenant"),
                List.of("list", "--tenant", " "),
                List.of("list", "2-17", "--tenant", "demo"),
                List.of("list", "--tenant", "demo", "--limit", "many"),
                List.of("list", "--tenant", "demo", "--colour", "red"),
                List.of("show", "--tenant", "demo"),
                List.of("show", "1-2", "1-3", "--tenant", "demo"),
                List.of("redrive", "1-2", "--tenant", "demo", "--limit", "3"),
                List.of("show", "1-2", "--tenant", "demo", "--position", "0,0"));
        for (List<String> args : wrong) {
            assertThatThrownBy(() -> DeadLettersCommand.parse(args.toArray(String[]::new))).as(args.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("null");
        }
        Output output = new Output();
        assertThat(DeadLettersCommand.run(settings(1), new String[] {"show", "--tenant", "demo"}, output.out, output.err))
                .isEqualTo(2);
        assertThat(output.err()).contains("show needs the dead letter's id").contains("Usage: ./switchboard dead-letters");
    }

    @Test
    void withoutARunningStackItSaysSo() throws Exception {
        Output noToken = new Output();
        assertThat(DeadLettersCommand.run(settings(1), new String[] {"list", "--tenant", "demo"}, noToken.out, noToken.err))
                .isEqualTo(1);
        assertThat(noToken.err()).contains("no operator token of tenant demo").contains("is Switchboard running");

        writeToken("demo", "a-token");
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        Output notRunning = new Output();
        assertThat(DeadLettersCommand.run(settings(closed), new String[] {"list", "--tenant", "demo"}, notRunning.out,
                notRunning.err)).isEqualTo(1);
        assertThat(notRunning.err()).contains("Switchboard is not running").contains("localhost:" + closed);
        assertThat(notRunning.out()).isEmpty();
    }

    @Test
    void itCallsComplianceAsTheTenantsOperatorAndPrintsTheAnswer() throws Exception {
        writeToken("demo", "the-operator-token");
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            boolean conflict = exchange.getRequestURI().getPath().contains("9-9");
            byte[] body = (conflict ? "{\"status\":409,\"code\":\"not-redrivable\"}" : "{\"deadLetters\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(conflict ? 409 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            Output ok = new Output();
            assertThat(DeadLettersCommand.run(settings(port), new String[] {"list", "--tenant", "demo"}, ok.out, ok.err))
                    .isEqualTo(0);
            assertThat(ok.out()).isEqualTo("{\"deadLetters\":[]}\n");
            Output refused = new Output();
            assertThat(DeadLettersCommand.run(settings(port), new String[] {"redrive", "9-9", "--tenant", "demo"},
                    refused.out, refused.err)).isEqualTo(1);
            assertThat(refused.err()).contains("answered 409").contains("not-redrivable");
            assertThat(seen).containsExactly(
                    "GET /v1/tenants/demo/dead-letters Bearer the-operator-token",
                    "POST /v1/tenants/demo/dead-letters/9-9/redrive Bearer the-operator-token");
        } finally {
            server.stop(0);
        }
    }

    private LocalSettings settings(int compliancePort) {
        return new LocalSettings(root, root.resolve(".switchboard"), 1, 2, 3,
                LocalSettings.services(8080, compliancePort, 8082, 8083, 8084), 1, List.of());
    }

    private void writeToken(String tenant, String token) throws IOException {
        Path tokens = root.resolve(".switchboard").resolve("tokens");
        Files.createDirectories(tokens);
        Files.writeString(tokens.resolve(tenant + "-operator.jwt"), token + "\n");
    }

    private static final class Output {
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
