package dev.switchboard.runtime.tasks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;

/**
 * Signed statements of whom a task is for. The supervisor puts a ticket on every task it issues; the agent host
 * copies it onto the result; compliance refuses a result whose ticket is missing, not signed with the key, or
 * names another tenant, session, turn, user, channel, agent or task than the result does. Agent code, which is
 * untrusted, can answer only the tasks it was given and only to the people they came from.
 *
 * <p>A ticket is {@code base64url(fields) "." base64url(HMAC-SHA256(key, fields))}; the supervisor and compliance
 * share the key ({@code switchboard.tasks.ticket-key}, base64, at least 32 bytes).
 */
public final class TaskTickets {

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** What a ticket states. */
    public record Claims(String tenant, String sessionId, String turnId, String user, String channel, String agent,
            String taskId) {

        public Claims {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(turnId, "turnId");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(channel, "channel");
            Objects.requireNonNull(agent, "agent");
            Objects.requireNonNull(taskId, "taskId");
        }

        static Claims of(Envelope envelope, String agent, String taskId) {
            return new Claims(envelope.getTenant(), envelope.getSessionId(), envelope.getTurnId(),
                    envelope.getPrincipal().getUser(), envelope.getChannel(), agent, taskId);
        }

        public static Claims of(AgentTask task) {
            return of(task.getEnvelope(), task.getAgent(), task.getTaskId());
        }

        /** What a result says about itself. */
        public static Claims of(AgentResult result) {
            return of(result.getEnvelope(), result.getAgent(), result.getTaskId());
        }

        List<String> fields() {
            return List.of(tenant, sessionId, turnId, user, channel, agent, taskId);
        }
    }

    private final SecretKeySpec key;

    public TaskTickets(byte[] key) {
        if (key == null || key.length < 32) {
            throw new IllegalArgumentException("a task ticket key has at least 32 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** From a base64 key, as configured. */
    public static TaskTickets fromBase64(String key) {
        return new TaskTickets(Base64.getDecoder().decode(key.strip()));
    }

    /** The ticket of a task the supervisor is issuing. */
    public String issue(AgentTask task) {
        return issue(Claims.of(task));
    }

    public String issue(Claims claims) {
        byte[] body = encode(claims.fields());
        return B64.encodeToString(body) + "." + B64.encodeToString(mac(body));
    }

    /** What a ticket states, if it is well formed and signed with this key. */
    public Optional<Claims> verify(String ticket) {
        if (ticket == null) {
            return Optional.empty();
        }
        int dot = ticket.indexOf('.');
        if (dot < 1 || dot != ticket.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            byte[] body = B64D.decode(ticket.substring(0, dot));
            byte[] tag = B64D.decode(ticket.substring(dot + 1));
            if (!MessageDigest.isEqual(mac(body), tag)) {
                return Optional.empty();
            }
            List<String> fields = decode(body);
            if (fields.size() != 7) {
                return Optional.empty();
            }
            return Optional.of(new Claims(fields.get(0), fields.get(1), fields.get(2), fields.get(3), fields.get(4),
                    fields.get(5), fields.get(6)));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Why a result must be refused, or empty when its ticket is valid and names exactly what the result says.
     * Codes: {@code ticket_missing}, {@code ticket_invalid}, {@code ticket_mismatch}.
     */
    public Optional<String> refusal(AgentResult result) {
        if (result.getTicket() == null) {
            return Optional.of("ticket_missing");
        }
        Optional<Claims> claims = verify(result.getTicket());
        if (claims.isEmpty()) {
            return Optional.of("ticket_invalid");
        }
        return claims.get().equals(Claims.of(result)) ? Optional.empty() : Optional.of("ticket_mismatch");
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is always available", e);
        }
    }

    private static byte[] encode(List<String> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(fields.size());
            for (String field : fields) {
                byte[] utf8 = field.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static List<String> decode(byte[] body) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            int count = in.readInt();
            if (count < 0 || count > 16) {
                throw new IOException("bad field count");
            }
            java.util.ArrayList<String> fields = new java.util.ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int length = in.readInt();
                if (length < 0 || length > body.length) {
                    throw new IOException("bad field length");
                }
                fields.add(new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8));
            }
            if (in.available() > 0) {
                throw new IOException("trailing bytes");
            }
            return fields;
        }
    }
}
