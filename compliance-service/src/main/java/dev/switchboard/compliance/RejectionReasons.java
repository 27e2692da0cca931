package dev.switchboard.compliance;

import java.util.Map;

/** What a user is told when compliance refuses their message: the kind of problem, never the content. */
final class RejectionReasons {

    private static final Map<String, String> DATA = Map.of(
            "CREDIT_CARD", "a payment card number",
            "IBAN", "a bank account number",
            "US_SSN", "a social security number",
            "PHONE", "a phone number",
            "EMAIL", "an e-mail address",
            "IP_ADDRESS", "an IP address",
            "SECRET", "what looks like a password, key or access token",
            "PERSON", "a person's name",
            "STREET_ADDRESS", "a street address");

    private RejectionReasons() {
    }

    /** @param reasonCode {@code pii_blocked:<TYPE>} or {@code injection:<KIND>} */
    static String forUser(String reasonCode) {
        if (reasonCode.startsWith("pii_blocked:")) {
            String what = DATA.getOrDefault(reasonCode.substring("pii_blocked:".length()), "personal data");
            return "Your message was not sent because it contains " + what + ". Please remove it and try again.";
        }
        return "Your message was not sent because it looks like an attempt to change the assistant's instructions. "
                + "Please rephrase your request.";
    }
}
