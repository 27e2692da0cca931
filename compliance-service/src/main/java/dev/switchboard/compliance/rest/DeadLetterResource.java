package dev.switchboard.compliance.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.switchboard.compliance.deadletters.DeadLetter;
import dev.switchboard.compliance.deadletters.DeadLetterReader;
import dev.switchboard.compliance.deadletters.Redrives;
import dev.switchboard.compliance.deadletters.Redrives.Redrive;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;

/**
 * A tenant's dead letters, for its operators: listed, inspected and re-driven to the topic they were read from. A
 * dead letter is the tenant's when it names the tenant ({@link DeadLetter#tenant()}); one of another tenant, or of
 * no known tenant, answers 404 exactly as one that does not exist. A re-drive is audited (actor: the verified
 * caller) and done at most once per dead letter ({@link Redrives}).
 */
@Path("/v1/tenants/{tenant}/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a dead letter's record was written back to, by whom and when. */
    public record RedriveView(String topic, int partition, long offset, String redrivenBy, Instant redrivenAt,
            String auditEventId) {

        static RedriveView of(Redrive redrive) {
            return redrive == null ? null : new RedriveView(redrive.topic(), redrive.partition(), redrive.offset(),
                    redrive.redrivenBy(), redrive.redrivenAt(), redrive.auditEventId());
        }
    }

    /**
     * A dead letter in a list.
     *
     * @param notRedrivable why it cannot be re-driven, or null when it can
     * @param redriven      its re-drive, or null when it was not re-driven
     */
    public record DeadLetterSummary(String id, Instant time, String reason, String sourceTopic, Integer sourcePartition,
            Long sourceOffset, boolean redrivable, String notRedrivable, RedriveView redriven) {

        static DeadLetterSummary of(DeadLetter letter, Redrive redrive) {
            String why = letter.notRedrivable().orElse(null);
            return new DeadLetterSummary(letter.id(), letter.time(), letter.reason(), letter.sourceTopic(),
                    letter.sourcePartition(), letter.sourceOffset(), why == null, why, RedriveView.of(redrive));
        }
    }

    /**
     * A page of the tenant's dead letters, oldest first.
     *
     * @param next      the {@code position} of the next page
     * @param end       whether every partition was read to its end: a next page holds only newer dead letters
     * @param scanned   how many records of {@code deadletters} (any tenant's) this request read
     * @param scanLimit the most records one request reads
     */
    public record DeadLetterPage(String tenant, List<DeadLetterSummary> deadLetters, String next, boolean end,
            int scanned, int scanLimit) {
    }

    /**
     * One dead letter with its key, headers and value.
     *
     * @param valueType the value's record type when it decodes
     * @param value     the value as JSON when it decodes and may be shown: a dead letter of a cleared topic holds the
     *                  redacted event; one of {@code turns.raw} or {@code agent.results.raw} the event with its text
     *                  withheld
     * @param valueNote why no value is shown, or null
     */
    public record DeadLetterDetail(String id, Instant time, String reason, String sourceTopic, Integer sourcePartition,
            Long sourceOffset, boolean redrivable, String notRedrivable, RedriveView redriven, String key,
            Map<String, String> headers, String valueType, JsonNode value, String valueNote) {
    }

    /**
     * What a re-drive did.
     *
     * @param alreadyRedriven true when it had been re-driven before: nothing was written this time, and the rest
     *                        says when, where and by whom it was
     */
    public record RedriveAnswer(String deadLetter, boolean alreadyRedriven, String detail, String topic, int partition,
            long offset, String redrivenBy, Instant redrivenAt, String auditEventId) {
    }

    private final DeadLetterReader reader;
    private final Redrives redrives;
    private final Caller caller;

    DeadLetterResource(DeadLetterReader reader, Redrives redrives, Caller caller) {
        this.reader = reader;
        this.redrives = redrives;
        this.caller = caller;
    }

    /**
     * The tenant's dead letters, oldest first, from {@code position} (a previous page's {@code next}; the beginning
     * without one), at most {@code limit} (default 50, at most 500).
     */
    @GET
    @RolesAllowed(Roles.OPERATOR)
    public DeadLetterPage list(@PathParam("tenant") String tenant, @QueryParam("limit") Integer limit,
            @QueryParam("position") String position) {
        Tenants.requireServed(tenant, caller);
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.badRequest("invalid-request", "limit must be between 1 and " + MAX_LIMIT);
        }
        DeadLetterReader.Page page;
        try {
            page = reader.page(tenant, parsePosition(position), size);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("invalid-request", "position: " + e.getMessage());
        }
        Map<String, Redrive> redriven = redrives.of(page.deadLetters());
        List<DeadLetterSummary> letters = page.deadLetters().stream()
                .map(letter -> DeadLetterSummary.of(letter, redriven.get(letter.id()))).toList();
        String next = page.next().stream().map(String::valueOf).collect(Collectors.joining(","));
        return new DeadLetterPage(tenant, letters, next, page.end(), page.scanned(), reader.scanLimit());
    }

    /** One of the tenant's dead letters, with its key, headers and value. */
    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.OPERATOR)
    public DeadLetterDetail get(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        Tenants.requireServed(tenant, caller);
        DeadLetter letter = find(tenant, id);
        DeadLetterSummary summary = DeadLetterSummary.of(letter, redrives.of(letter).orElse(null));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : letter.headers()) {
            headers.put(header.key(), text(header.value()));
        }
        String valueType = letter.event() == null ? null : letter.event().getSchema().getFullName();
        JsonNode value = null;
        String note = null;
        if (letter.value() == null) {
            note = "the dead letter has no value";
        } else if (letter.event() == null) {
            note = "the value (" + letter.value().length + " bytes) does not decode";
        } else if (Topics.CHANNELS_INBOUND.name().equals(letter.sourceTopic())) {
            note = "withheld: a record of the raw topic " + Topics.CHANNELS_INBOUND.name() + " as it was read";
        } else {
            value = json(letter.event());
        }
        return new DeadLetterDetail(summary.id(), summary.time(), summary.reason(), summary.sourceTopic(),
                summary.sourcePartition(), summary.sourceOffset(), summary.redrivable(), summary.notRedrivable(),
                summary.redriven(), letter.key() == null ? null : text(letter.key()), headers, valueType, value, note);
    }

    /**
     * Writes the dead letter's record back to its source topic, once: a second request answers 200 with the first
     * re-drive and writes nothing. 409 when it cannot be re-driven, 503 when re-drive is not configured or the record
     * could not be written.
     */
    @POST
    @Path("/{id}/redrive")
    @RolesAllowed(Roles.OPERATOR)
    public RedriveAnswer redrive(@PathParam("tenant") String tenant, @PathParam("id") String id) {
        Tenants.requireServed(tenant, caller);
        if (!redrives.configured()) {
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "redrive-not-configured",
                    "Re-drive is not configured: compliance has no password for the broker's re-drive principal "
                            + "(switchboard.kafka.redrive.password)");
        }
        DeadLetter letter = find(tenant, id);
        letter.notRedrivable().ifPresent(why -> {
            throw new ProblemException(Response.Status.CONFLICT, "not-redrivable",
                    "Dead letter " + letter.id() + " cannot be re-driven: " + why);
        });
        Redrives.Outcome outcome;
        try {
            outcome = redrives.redrive(letter, caller.actor());
        } catch (Redrives.NotWritten e) {
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "redrive-failed",
                    "The record could not be written to " + letter.sourceTopic()
                            + " and nothing was recorded: send the same request again");
        }
        Redrive redrive = outcome.redrive();
        String where = redrive.topic() + " (partition " + redrive.partition() + ", offset " + redrive.offset() + ")";
        String detail = outcome.already()
                ? "Already re-driven to " + where + " at " + redrive.redrivenAt() + " by " + redrive.redrivenBy()
                        + ": nothing was written now"
                : "Re-driven to " + where;
        return new RedriveAnswer(letter.id(), outcome.already(), detail, redrive.topic(), redrive.partition(),
                redrive.offset(), redrive.redrivenBy(), redrive.redrivenAt(), redrive.auditEventId());
    }

    /** The tenant's dead letter with this id: 404 for an id of no dead letter, or of another tenant's, alike. */
    private DeadLetter find(String tenant, String id) {
        DeadLetter.Position position = DeadLetter.position(id).orElseThrow(ProblemException::notFound);
        return reader.find(position.partition(), position.offset())
                .filter(letter -> tenant.equals(letter.tenant()))
                .orElseThrow(ProblemException::notFound);
    }

    private static List<Long> parsePosition(String position) {
        if (position == null || position.isBlank()) {
            return null;
        }
        List<Long> offsets = new ArrayList<>();
        for (String offset : position.split(",", -1)) {
            try {
                long value = Long.parseLong(offset.strip());
                if (value < 0) {
                    throw new NumberFormatException();
                }
                offsets.add(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected the next offset of each partition, separated by commas,"
                        + " as a page's next gives it");
            }
        }
        return offsets;
    }

    private static JsonNode json(Object event) {
        String text = SpecificData.get().toString(event);
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }

    /** UTF-8 text, or {@code base64:...} for bytes that are not. */
    private static String text(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(bytes);
        }
    }
}
