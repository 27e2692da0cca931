package dev.switchboard.deploy.local;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./switchboard dead-letters list|show <id>|redrive <id> --tenant <t>}: the running stack's dead letters
 * through compliance's operator API ({@code /v1/tenants/<t>/dead-letters}), as the tenant's operator, with the token
 * the launcher wrote at its start ({@code .switchboard/tokens/<t>-operator.jwt}). Prints the answer's JSON.
 */
final class DeadLettersCommand {

    static final String USAGE = "Usage: ./switchboard dead-letters list --tenant <tenant> [--limit <n>] [--position <next>]\n"
            + "       ./switchboard dead-letters show <id> --tenant <tenant>\n"
            + "       ./switchboard dead-letters redrive <id> --tenant <tenant>";

    /**
     * One parsed command line.
     *
     * @param action   {@code list}, {@code show} or {@code redrive}
     * @param id       the dead letter's id ({@code <partition>-<offset>}), for {@code show} and {@code redrive}
     * @param limit    at most this many dead letters ({@code list}), or null for the service's default
     * @param position where the page starts ({@code list}: a previous page's {@code next}), or null
     */
    record Command(String action, String tenant, String id, Integer limit, String position) {

        String method() {
            return action.equals("redrive") ? "POST" : "GET";
        }

        /** The route, with the tenant and id encoded. */
        String path() {
            String base = "/v1/tenants/" + encode(tenant) + "/dead-letters";
            return switch (action) {
                case "show" -> base + "/" + encode(id);
                case "redrive" -> base + "/" + encode(id) + "/redrive";
                default -> {
                    StringBuilder query = new StringBuilder();
                    if (limit != null) {
                        query.append("limit=").append(limit);
                    }
                    if (position != null) {
                        query.append(query.isEmpty() ? "" : "&").append("position=").append(encode(position));
                    }
                    yield query.isEmpty() ? base : base + "?" + query;
                }
            };
        }
    }

    private DeadLettersCommand() {
    }

    /**
     * Parses the arguments after {@code dead-letters}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Command parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("say list, show <id> or redrive <id>");
        }
        String action = args[0];
        if (!action.equals("list") && !action.equals("show") && !action.equals("redrive")) {
            throw new IllegalArgumentException("unknown action " + action + " (list, show or redrive)");
        }
        String tenant = null;
        String id = null;
        Integer limit = null;
        String position = null;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                if (action.equals("list") || id != null) {
                    throw new IllegalArgumentException("unexpected argument " + arg);
                }
                id = arg;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--tenant" -> tenant = value;
                case "--limit" -> limit = limit(action, value);
                case "--position" -> position = listOnly(action, arg, value);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        if (tenant == null || tenant.isBlank()) {
            throw new IllegalArgumentException("--tenant is required");
        }
        if (!action.equals("list") && id == null) {
            throw new IllegalArgumentException(action + " needs the dead letter's id (<partition>-<offset>, as list shows it)");
        }
        return new Command(action, tenant, id, limit, position);
    }

    /** Runs the command against the stack of {@code settings}; 0 on success, 1 when it failed, 2 on misuse. */
    static int run(LocalSettings settings, String[] args, PrintStream out, PrintStream err) {
        Command command;
        try {
            command = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("switchboard dead-letters: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        Path tokenFile = settings.home().resolve("tokens").resolve(command.tenant() + "-operator.jwt");
        String token;
        try {
            token = Files.readString(tokenFile).strip();
        } catch (IOException e) {
            err.println("switchboard dead-letters: no operator token of tenant " + command.tenant() + " at " + tokenFile
                    + ". The launcher writes one per tenant at every start: is Switchboard running (./switchboard),"
                    + " and is " + command.tenant() + " one of its tenants?");
            return 1;
        }
        String base = "http://localhost:" + settings.port("compliance-service");
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + command.path()))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .method(command.method(), HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            err.println("switchboard dead-letters: Switchboard is not running (nothing answers at " + base
                    + "): start it with ./switchboard");
            return 1;
        } catch (IOException e) {
            err.println("switchboard dead-letters: " + base + " did not answer: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (response.statusCode() / 100 == 2) {
            out.println(response.body());
            return 0;
        }
        err.println("switchboard dead-letters: " + command.method() + " " + command.path() + " answered "
                + response.statusCode() + ": " + response.body());
        if (response.statusCode() == 401) {
            err.println("The token in " + tokenFile + " is not accepted (expired, or from another run):"
                    + " restart ./switchboard to write new ones.");
        }
        return 1;
    }

    private static Integer limit(String action, String value) {
        listOnly(action, "--limit", value);
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--limit must be a number, got " + value);
        }
    }

    private static String listOnly(String action, String option, String value) {
        if (!action.equals("list")) {
            throw new IllegalArgumentException(option + " is for list only");
        }
        return value;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
