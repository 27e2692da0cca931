package dev.switchboard.compliance.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiDetectorTest {

    private static final PiiDetector DETECTOR = PiiDetector.defaults();

    private static List<String> values(EntityType type, String text) {
        return DETECTOR.detect(text).stream().filter(f -> f.type() == type).map(Finding::value).toList();
    }

    @Test
    void nullAndEmptyTextGiveNothing() {
        assertThat(DETECTOR.detect(null)).isEmpty();
        assertThat(DETECTOR.detect("")).isEmpty();
        assertThat(DETECTOR.detect("Where is my parcel? It was due on Monday.")).isEmpty();
    }

    @Test
    void findingsCarryTheirOffsetsAndValue() {
        String text = "Mail bob@example.com or call +44 20 7946 0958 today";
        assertThat(DETECTOR.detect(text)).containsExactly(
                new Finding(EntityType.EMAIL, 5, 20, "bob@example.com"),
                new Finding(EntityType.PHONE, 29, 45, "+44 20 7946 0958"));
    }

    @Test
    void emails() {
        assertThat(values(EntityType.EMAIL, "write to Bob.Smith+billing@mail.example.co.uk, or x@y"))
                .containsExactly("Bob.Smith+billing@mail.example.co.uk");
        assertThat(values(EntityType.EMAIL, "ping @handle or user@localhost or 1@2.50")).isEmpty();
    }

    @Test
    void emailsWithLettersOfAnyScriptInTheLocalPartAreFoundWhole() {
        assertThat(values(EntityType.EMAIL, "escribe a josé.garcía@ejemplo.es hoy"))
                .containsExactly("josé.garcía@ejemplo.es");
        assertThat(values(EntityType.EMAIL, "mail bob@example.com. Then bob@example.com-foo or bob@example.com.123"))
                .containsExactly("bob@example.com");
    }

    /** Hostile shapes that made the e-mail pattern recurse once per dot until the stack overflowed. */
    @Test
    void longRunsOfDotsAndLabelsNeitherOverflowNorHideTheAddress() {
        assertThat(values(EntityType.EMAIL, "support@example.com" + ".x".repeat(2000))).isEmpty();
        assertThat(values(EntityType.EMAIL, "a.".repeat(2000) + "a@x.com")).singleElement()
                .satisfies(address -> assertThat(address).endsWith("a@x.com").hasSize(4000 + 7));
        assertThat(values(EntityType.EMAIL, "x@" + "a1.".repeat(1000) + "1")).isEmpty();
        assertThat(values(EntityType.EMAIL, "x@" + "a1.".repeat(1000) + "com")).hasSize(1);
        String hostile = ("support@example.com" + ".x".repeat(200) + " İİİ call 555 0123 " + "a.".repeat(300)
                + "@@..--" + "1".repeat(40)).repeat(20);
        assertThat(hostile.length()).isGreaterThan(16_000);
        assertThat(DETECTOR.detect(hostile)).isNotNull();
        assertThat(values(EntityType.SECRET, "-----BEGIN " + "A ".repeat(3000))).isEmpty();
        assertThat(values(EntityType.SECRET, "-----BEGIN RSA PRIVATE KEY-----x-----END " + "A ".repeat(3000))).isEmpty();
    }

    @Test
    void phonesInternationalNationalAndWithExtensions() {
        assertThat(values(EntityType.PHONE, "Call me at (415) 555-2671 ext. 42 please"))
                .containsExactly("(415) 555-2671 ext. 42");
        assertThat(values(EntityType.PHONE, "Mobil: 030 901820 oder +49 151 23456789"))
                .containsExactly("030 901820", "+49 151 23456789");
        assertThat(values(EntityType.PHONE, "Appelez le 01 42 68 53 00")).containsExactly("01 42 68 53 00");
        assertThat(values(EntityType.PHONE, "my mobile is 98765 43210")).containsExactly("98765 43210");
    }

    @Test
    void possibleButInvalidPhonesNeedAPhoneWord() {
        // No North American exchange starts with 1: possible, not valid.
        assertThat(values(EntityType.PHONE, "call me on +1 984 182 0190")).containsExactly("+1 984 182 0190");
        assertThat(values(EntityType.PHONE, "the parcel id is +1 984 182 0190")).isEmpty();
        assertThat(values(EntityType.PHONE, "we moved to 17151 2450 Crown St")).isEmpty();
        assertThat(values(EntityType.PHONE, "my driver's license number is 2270-66-1551")).isEmpty();
        assertThat(values(EntityType.PHONE, "the year 2024 and order 12345")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005",
        "3782 822463 10005", "5555555555554444", "6011111111111117", "3530111333300000", "501864667909",
        "4064557646766436702"})
    void validCardNumbers(String card) {
        assertThat(values(EntityType.CREDIT_CARD, "card " + card + ", thanks")).containsExactly(card);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "4111 1111 1111 1112", "9111111111111111", "0000000000000000",
        "411111111111", "4111 1111-1111 1111", "41111111111111111111"})
    void cardNearMissesAreRejected(String number) {
        assertThat(values(EntityType.CREDIT_CARD, "card " + number + ", thanks")).isEmpty();
    }

    @Test
    void ibansWithAndWithoutSpacesInEitherCase() {
        assertThat(values(EntityType.IBAN, "pay GB82WEST12345698765432 now")).containsExactly("GB82WEST12345698765432");
        assertThat(values(EntityType.IBAN, "IBAN: DE89 3704 0044 0532 0130 00 and thanks"))
                .containsExactly("DE89 3704 0044 0532 0130 00");
        assertThat(values(EntityType.IBAN, "iban fr1420041010050500013m02606."))
                .containsExactly("fr1420041010050500013m02606");
    }

    @Test
    void ibanNearMissesAreRejected() {
        assertThat(values(EntityType.IBAN, "pay GB82WEST12345698765433 now")).as("bad check digits").isEmpty();
        assertThat(values(EntityType.IBAN, "pay GB82WEST1234569876543 now")).as("too short for GB").isEmpty();
        assertThat(values(EntityType.IBAN, "pay ZZ82WEST12345698765432 now")).as("no such country").isEmpty();
        assertThat(values(EntityType.IBAN, "pay GB82WEST12345698765432X1 now")).as("runs on").isEmpty();
    }

    @Test
    void ssnsDashedAnywhereOtherwiseOnlyWithContext() {
        assertThat(values(EntityType.US_SSN, "it is 078-05-1120.")).containsExactly("078-05-1120");
        assertThat(values(EntityType.US_SSN, "my SSN: 078 05 1120")).containsExactly("078 05 1120");
        assertThat(values(EntityType.US_SSN, "social security number 078051120")).containsExactly("078051120");
        assertThat(values(EntityType.US_SSN, "order 078051120 shipped")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"999-12-3456", "900-12-3456", "000-12-3456", "666-12-3456", "123-00-4567", "123-45-0000"})
    void neverIssuedSsnsAreRejected(String ssn) {
        assertThat(values(EntityType.US_SSN, "SSN " + ssn)).isEmpty();
    }

    @Test
    void ipv4() {
        assertThat(values(EntityType.IP_ADDRESS, "from 192.168.0.1, then 8.8.8.8.")).containsExactly("192.168.0.1", "8.8.8.8");
        assertThat(values(EntityType.IP_ADDRESS, "bad 256.1.1.1 and 1.2.3.4.5 and v1.2.3.4 and 01.02.03.04")).isEmpty();
    }

    @Test
    void ipv6WithCompression() {
        assertThat(values(EntityType.IP_ADDRESS, "host 2001:db8::8a2e:370:7334 and fe80::1, "
                + "6e40:4041:c617:e898:c11:40d2:c669:2eb4 and ::ffff:192.0.2.128"))
                .containsExactly("2001:db8::8a2e:370:7334", "fe80::1", "6e40:4041:c617:e898:c11:40d2:c669:2eb4",
                        "::ffff:192.0.2.128");
        assertThat(values(EntityType.IP_ADDRESS, "at 12:30:45, mac 00:1A:2B:3C:4D:5E, 1::2::3, std::map, ::1"))
                .isEmpty();
    }

    @Test
    void providerSecrets() {
        List<String> secrets = List.of(
                "AKIAIOSFODNN7EXAMPLE",
                "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",
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
                "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
                "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
                "sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z",
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U");
        for (String secret : secrets) {
            assertThat(values(EntityType.SECRET, "key=" + secret + " ok")).as(secret).containsExactly(secret);
        }
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        assertThat(values(EntityType.SECRET, "here:\n" + pem + "\nbye")).containsExactly(pem);
    }

    @Test
    void genericHighEntropyTokens() {
        assertThat(values(EntityType.SECRET, "token: Zx8Qp2Lm9Rt4Vb7Nc1Kd5Hg3"))
                .containsExactly("Zx8Qp2Lm9Rt4Vb7Nc1Kd5Hg3");
        assertThat(values(EntityType.SECRET, "uses sk-learn-text-classifier and "
                + "ThisIsAnOrdinaryCamelCaseName, a_very_long_snake_case_identifier, "
                + "incomprehensibilities, 123e4567-e89b-12d3-a456-426614174000, "
                + "da39a3ee5e6b4b0d3255bfef95601890afd80709, /api/v2/Users/Profile3/Settings1")).isEmpty();
    }

    @Test
    void overlapsKeepTheMoreSpecificType() {
        // A valid card number is also a possible phone number; the card wins.
        assertThat(DETECTOR.detect("call about card 4111111111111111"))
                .extracting(Finding::type).containsExactly(EntityType.CREDIT_CARD);
        List<Finding> findings = DETECTOR.detect("a@b.io 4111111111111111 078-05-1120 10.0.0.1");
        assertThat(findings).extracting(Finding::type).containsExactly(
                EntityType.EMAIL, EntityType.CREDIT_CARD, EntityType.US_SSN, EntityType.IP_ADDRESS);
        for (int i = 1; i < findings.size(); i++) {
            assertThat(findings.get(i).start()).isGreaterThanOrEqualTo(findings.get(i - 1).end());
        }
    }

    @Test
    void heuristicRecognizersWhenEnabled() {
        PiiDetector heuristics = new PiiDetector(PiiDetector.Settings.defaults()
                .withTypes(EnumSet.of(EntityType.PERSON, EntityType.STREET_ADDRESS)));
        assertThat(heuristics.detect("Please correct it to Dr. Cettina Fanucci? My name is Anna Berg."))
                .extracting(Finding::value).containsExactly("Cettina Fanucci", "Anna Berg");
        assertThat(heuristics.detect("send it to 14 Crown Street Apt. 5, London or Bundesstrasse 31"))
                .extracting(Finding::value).containsExactly("14 Crown Street Apt. 5", "Bundesstrasse 31");
        assertThat(PiiDetector.defaults().detect("My name is Anna Berg, I live at 14 Crown Street")).isEmpty();
    }

    @Test
    void settingsRestrictTypesAndRegions() {
        PiiDetector emailsOnly = new PiiDetector(PiiDetector.Settings.defaults().withTypes(EnumSet.of(EntityType.EMAIL)));
        assertThat(emailsOnly.detect("a@b.io, 4111111111111111")).extracting(Finding::type)
                .containsExactly(EntityType.EMAIL);
        PiiDetector usOnly = new PiiDetector(PiiDetector.Settings.defaults().withPhoneRegions(List.of("US")));
        assertThat(usOnly.detect("Appelez le 01 42 68 53 00")).isEmpty();
        assertThat(usOnly.detect("call +33 1 42 68 53 00")).extracting(Finding::value).containsExactly("+33 1 42 68 53 00");
    }
}
