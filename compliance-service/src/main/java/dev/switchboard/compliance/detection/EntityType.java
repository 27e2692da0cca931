package dev.switchboard.compliance.detection;

/**
 * The kinds of personal data and credentials that {@link PiiDetector} finds.
 *
 * <p>The declaration order is also the order of precedence when two findings overlap (see
 * {@link PiiDetector}): checksummed and anchored formats first, heuristics last.
 */
public enum EntityType {
    /** An e-mail address. */
    EMAIL,
    /** An International Bank Account Number with a valid ISO 13616 check (mod 97). */
    IBAN,
    /** A payment card number with a known issuer prefix and a valid Luhn check digit. */
    CREDIT_CARD,
    /** A US Social Security Number outside the never-issued ranges. */
    US_SSN,
    /** An IPv4 or IPv6 address. */
    IP_ADDRESS,
    /** An API key, access token, private key or other high-entropy credential. */
    SECRET,
    /** A telephone number that libphonenumber accepts for one of the configured regions. */
    PHONE,
    /** A postal street address (heuristic: house number, words and a street type or a second number). */
    STREET_ADDRESS,
    /** A person's name (heuristic: honorific or an introduction such as "my name is", then capitalised words). */
    PERSON
}
