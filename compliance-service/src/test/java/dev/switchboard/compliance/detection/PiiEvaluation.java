package dev.switchboard.compliance.detection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Scores a {@link PiiDetector} against the labelled synthetic dataset that Presidio's evaluation uses
 * ({@code shared/data/pii/presidio-synth-dataset-v2.json}).
 *
 * <p>Matching rule, per entity type: a detection is a true positive when it overlaps (shares at least
 * one character with) a labelled span of the same type, otherwise a false positive, even when it
 * overlaps a span of another type or a span whose type the detector does not know (a phone number
 * found in a date is wrong). A labelled span is recalled when at least one detection of its type
 * overlaps it. Overlap rather than exact boundaries, because the labels and the detector disagree
 * on harmless details (a phone's trailing extension, an address's city line).
 */
final class PiiEvaluation {

    static final String DATASET = "presidio-synth-dataset-v2.json";
    static final String DATA_PROPERTY = "switchboard.shared.data";

    /** The dataset's labels for the types the detector knows; others ({@code GPE}, {@code DATE_TIME}...) are ignored. */
    private static final Map<String, EntityType> LABELS = Map.of(
            "PHONE_NUMBER", EntityType.PHONE,
            "CREDIT_CARD", EntityType.CREDIT_CARD,
            "EMAIL_ADDRESS", EntityType.EMAIL,
            "IBAN_CODE", EntityType.IBAN,
            "US_SSN", EntityType.US_SSN,
            "IP_ADDRESS", EntityType.IP_ADDRESS,
            "PERSON", EntityType.PERSON,
            "STREET_ADDRESS", EntityType.STREET_ADDRESS);

    record Span(EntityType type, int start, int end) {
    }

    record Sample(String text, List<Span> spans) {
    }

    /** Counts for one type; {@code missed} and {@code wrong} keep a few examples for diagnosis. */
    static final class Score {
        int truePositives;
        int falsePositives;
        int labelled;
        int recalled;
        final List<String> wrong = new ArrayList<>();
        final List<String> missed = new ArrayList<>();

        double precision() {
            int detected = truePositives + falsePositives;
            return detected == 0 ? 1.0 : (double) truePositives / detected;
        }

        double recall() {
            return labelled == 0 ? 1.0 : (double) recalled / labelled;
        }
    }

    private PiiEvaluation() {
    }

    /**
     * The dataset: the system property {@value #DATA_PROPERTY} (a {@code shared/data} directory) if set, else the
     * copy kept in this module's test resources ({@code pii/}, source and licence in {@code pii/SOURCE.md}).
     */
    static java.io.InputStream dataset() throws java.io.IOException {
        String configured = System.getProperty(DATA_PROPERTY);
        if (configured != null) {
            Path path = Paths.get(configured, "pii", DATASET);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("-D" + DATA_PROPERTY + "=" + configured + " has no pii/" + DATASET);
            }
            return Files.newInputStream(path);
        }
        java.io.InputStream copy = PiiEvaluation.class.getResourceAsStream("/pii/" + DATASET);
        if (copy == null) {
            throw new IllegalStateException("The PII dataset pii/" + DATASET + " is missing from the test resources");
        }
        return copy;
    }

    static List<Sample> load() {
        try {
            JsonNode root;
            try (java.io.InputStream in = dataset()) {
                root = new ObjectMapper().readTree(in);
            }
            List<Sample> samples = new ArrayList<>(root.size());
            for (JsonNode node : root) {
                String text = node.get("full_text").asText();
                List<Span> spans = new ArrayList<>();
                for (JsonNode span : node.get("spans")) {
                    EntityType type = LABELS.get(span.get("entity_type").asText());
                    if (type != null) {
                        // Offsets are code points (the dataset was written in Python); Java indexes UTF-16 units.
                        int start = text.offsetByCodePoints(0, span.get("start_position").asInt());
                        int end = text.offsetByCodePoints(0, span.get("end_position").asInt());
                        spans.add(new Span(type, start, end));
                    }
                }
                samples.add(new Sample(text, spans));
            }
            return samples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<EntityType, Score> evaluate(PiiDetector detector, List<Sample> samples) {
        Map<EntityType, Score> scores = new EnumMap<>(EntityType.class);
        for (EntityType type : EntityType.values()) {
            scores.put(type, new Score());
        }
        for (Sample sample : samples) {
            List<Finding> findings = detector.detect(sample.text());
            for (Finding finding : findings) {
                Score score = scores.get(finding.type());
                boolean hit = sample.spans().stream().anyMatch(span -> span.type() == finding.type()
                        && span.start() < finding.end() && finding.start() < span.end());
                if (hit) {
                    score.truePositives++;
                } else {
                    score.falsePositives++;
                    score.wrong.add(finding.value() + "  <-  " + sample.text());
                }
            }
            for (Span span : sample.spans()) {
                Score score = scores.get(span.type());
                score.labelled++;
                boolean found = findings.stream().anyMatch(finding -> finding.type() == span.type()
                        && span.start() < finding.end() && finding.start() < span.end());
                if (found) {
                    score.recalled++;
                } else {
                    score.missed.add(sample.text().substring(span.start(), span.end()) + "  <-  " + sample.text());
                }
            }
        }
        return scores;
    }

    static String table(Map<EntityType, Score> scores) {
        StringBuilder table = new StringBuilder(String.format("%-15s %9s %9s %6s %6s %6s %6s%n",
                "type", "precision", "recall", "TP", "FP", "found", "spans"));
        scores.entrySet().stream().filter(e -> e.getValue().labelled + e.getValue().truePositives
                + e.getValue().falsePositives > 0).forEach(e -> appendRow(table, e.getKey(), e.getValue()));
        return table.toString();
    }

    private static void appendRow(StringBuilder table, EntityType type, Score s) {
        table.append(String.format("%-15s %9.3f %9.3f %6d %6d %6d %6d%n",
                type, s.precision(), s.recall(), s.truePositives, s.falsePositives, s.recalled, s.labelled));
    }
}
