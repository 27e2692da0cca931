package dev.switchboard.compliance.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.detection.PiiEvaluation.Sample;
import dev.switchboard.compliance.detection.PiiEvaluation.Score;

/**
 * Precision and recall of the default detector on the labelled dataset, per type, against floors set
 * a little under what it achieves (see {@link PiiEvaluation} for the matching rule).
 */
class PiiEvaluationTest {

    private static List<Sample> samples;

    @BeforeAll
    static void loadDataset() {
        samples = PiiEvaluation.load();
    }

    @Test
    void defaultDetectorMeetsThePerTypeFloors() {
        Map<EntityType, Score> scores = PiiEvaluation.evaluate(PiiDetector.defaults(), samples);
        System.out.println("Default detector on " + samples.size() + " sentences:\n" + PiiEvaluation.table(scores));
        dump(scores);

        // Presidio's published figures (precision/recall): PHONE 0.94/0.55, CREDIT_CARD 1.0/0.77,
        // EMAIL 1.0/1.0, US_SSN 1.0/1.0. Floors a little under what this detector reaches.
        assertFloor(scores, EntityType.EMAIL, 1.0, 1.0);
        assertFloor(scores, EntityType.CREDIT_CARD, 0.99, 0.97);
        assertFloor(scores, EntityType.US_SSN, 1.0, 1.0);
        assertFloor(scores, EntityType.IBAN, 0.95, 0.95);
        assertFloor(scores, EntityType.IP_ADDRESS, 0.92, 0.92);
        assertFloor(scores, EntityType.PHONE, 0.96, 0.95);
        assertThat(scores.get(EntityType.SECRET).falsePositives).as("secrets in a dataset without any").isZero();
        assertThat(scores.get(EntityType.PERSON).truePositives + scores.get(EntityType.PERSON).falsePositives)
                .as("PERSON is off by default").isZero();
    }

    @Test
    void heuristicTypesAreMeasured() {
        PiiDetector heuristics = new PiiDetector(PiiDetector.Settings.defaults()
                .withTypes(EnumSet.of(EntityType.PERSON, EntityType.STREET_ADDRESS)));
        Map<EntityType, Score> scores = PiiEvaluation.evaluate(heuristics, samples);
        System.out.println("Heuristic recognizers on their own:\n" + PiiEvaluation.table(scores));
        dump(scores);
        // Precise where they fire, but they find half the addresses and a tenth of the names: off by default.
        assertFloor(scores, EntityType.STREET_ADDRESS, 0.93, 0.50);
        assertFloor(scores, EntityType.PERSON, 0.95, 0.10);
    }

    @Test
    void phoneLeniencyWithContextBeatsBothLibphonenumberLevels() {
        Map<PiiDetector.PhoneLeniency, Score> byLeniency = new EnumMap<>(PiiDetector.PhoneLeniency.class);
        for (PiiDetector.PhoneLeniency leniency : PiiDetector.PhoneLeniency.values()) {
            // All default types, so that card numbers and the like take precedence as they do in use.
            PiiDetector phones = new PiiDetector(PiiDetector.Settings.defaults().withPhoneLeniency(leniency));
            Score score = PiiEvaluation.evaluate(phones, samples).get(EntityType.PHONE);
            byLeniency.put(leniency, score);
            System.out.printf("PHONE at %-16s precision %.3f recall %.3f%n", leniency, score.precision(), score.recall());
        }
        double best = f1(byLeniency.get(PiiDetector.PhoneLeniency.VALID_OR_CONTEXT));
        assertThat(best).isGreaterThan(f1(byLeniency.get(PiiDetector.PhoneLeniency.VALID)));
        assertThat(best).isGreaterThan(f1(byLeniency.get(PiiDetector.PhoneLeniency.POSSIBLE)));
    }

    private static double f1(Score score) {
        return 2 * score.precision() * score.recall() / (score.precision() + score.recall());
    }

    private static void dump(Map<EntityType, Score> scores) {
        // -Dpii.dump=PHONE lists a type's false positives and misses.
        String type = System.getProperty("pii.dump");
        if (type != null) {
            Score s = scores.get(EntityType.valueOf(type));
            s.wrong.forEach(w -> System.out.println("FP " + w.replace('\n', '|')));
            s.missed.forEach(w -> System.out.println("FN " + w.replace('\n', '|')));
        }
    }

    private static void assertFloor(Map<EntityType, Score> scores, EntityType type, double precision, double recall) {
        Score score = scores.get(type);
        assertThat(score.precision()).as(type + " precision").isGreaterThanOrEqualTo(precision);
        assertThat(score.recall()).as(type + " recall").isGreaterThanOrEqualTo(recall);
    }
}
