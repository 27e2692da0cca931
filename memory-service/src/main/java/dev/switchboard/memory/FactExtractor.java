package dev.switchboard.memory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Facts about the user, pulled out of the user's own messages by fixed rules: heuristics, deterministic and
 * offline (no model). The text is the cleared text, after compliance has redacted, masked or hashed personal
 * data, so a fact about such data is the placeholder itself ({@code [EMAIL]}, {@code [EMAIL:3f9a0c1d2e4b]},
 * {@code j***@example.com}): it tells an agent that the user gave one, and a hashed token even tells two
 * values apart, without revealing them.
 *
 * <ul>
 *   <li>{@code name}: the capitalised word(s) after "my name is", "I am", "I'm" or "call me" (at most three
 *       words; a language name such as "I am German" is not a name), or a {@code [PERSON...]} placeholder
 *       there;</li>
 *   <li>{@code order}: an order or invoice number: "order 12345", "invoice no. INV-778", "#12345" (4 digits or
 *       more), or a code like "A-1234";</li>
 *   <li>{@code language}: the language the user asks for: "in German", "speak French", "auf Deutsch";</li>
 *   <li>{@code email}: an {@code [EMAIL]} or {@code [EMAIL:hash]} placeholder, or a masked address;</li>
 *   <li>{@code phone}: a {@code [PHONE]} or {@code [PHONE:hash]} placeholder.</li>
 * </ul>
 *
 * When a rule matches several times in one message, its last match wins, as a later message's value wins
 * over an earlier one's in the session.
 */
public final class FactExtractor {

    public static final String NAME = "name";
    public static final String ORDER = "order";
    public static final String LANGUAGE = "language";
    public static final String EMAIL = "email";
    public static final String PHONE = "phone";

    private static final Map<String, String> LANGUAGES = languages();

    private static final String LANGUAGE_NAMES = String.join("|", LANGUAGES.keySet());

    /** Words that follow "I am" capitalised without being a name. */
    private static final Set<String> NOT_NAMES = Set.of("i", "not", "sorry", "the", "a", "an");

    /** Only the introduction is case-insensitive: the name itself must be capitalised. */
    private static final Pattern NAME_PATTERN = Pattern.compile(
            "(?i:\\b(?:my name is|my name's|i am|i'm|i’m|call me)\\s+)"
                    + "(\\[PERSON(?::[0-9A-Za-z]+)?]|\\p{Lu}[\\p{L}'’-]*(?:\\s+\\p{Lu}[\\p{L}'’-]*){0,2})");

    private static final List<Pattern> ORDER_PATTERNS = List.of(
            // after the word: an identifier of 4+ characters with at least one digit
            Pattern.compile("(?i:\\b(?:order|invoice)\\b\\s*(?:number|no\\.?|nr\\.?|id)?\\s*[:#]?\\s*#?)"
                    + "((?=[A-Za-z0-9-]*\\d)[A-Za-z0-9][A-Za-z0-9-]{3,})\\b"),
            Pattern.compile("(?<![\\w#])#(\\d{4,})\\b"),
            Pattern.compile("\\b([A-Z]{1,3}-\\d{3,})\\b"));

    private static final Pattern LANGUAGE_PATTERN = Pattern.compile(
            "(?i)\\b(?:in|into|speak|use|auf|en)\\s+(" + LANGUAGE_NAMES + ")\\b", Pattern.UNICODE_CASE);

    private static final Pattern EMAIL_PATTERN = Pattern.compile(
            "\\[EMAIL(?::[0-9A-Za-z]+)?]|[^\\s*@]\\*{3}@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private static final Pattern PHONE_PATTERN = Pattern.compile("\\[PHONE(?::[0-9A-Za-z]+)?]");

    /** The facts one user message states, by key; empty when it states none. */
    public Map<String, String> extract(String text) {
        Map<String, String> facts = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return facts;
        }
        name(text, facts);
        last(ORDER_PATTERNS, text, ORDER, facts);
        Matcher language = LANGUAGE_PATTERN.matcher(text);
        while (language.find()) {
            facts.put(LANGUAGE, LANGUAGES.get(language.group(1).toLowerCase(Locale.ROOT)));
        }
        last(List.of(EMAIL_PATTERN), text, EMAIL, facts);
        last(List.of(PHONE_PATTERN), text, PHONE, facts);
        return facts;
    }

    /** {@code facts} with {@code found} laid over it: a new value replaces an older one of the same key. */
    public static Map<String, String> merged(Map<String, String> facts, Map<String, String> found) {
        Map<String, String> all = new TreeMap<>(facts);
        all.putAll(found);
        return all;
    }

    private static void name(String text, Map<String, String> facts) {
        Matcher matcher = NAME_PATTERN.matcher(text);
        while (matcher.find()) {
            String name = matcher.group(1);
            String firstWord = name.split("\\s+")[0].toLowerCase(Locale.ROOT);
            if (!LANGUAGES.containsKey(firstWord) && !NOT_NAMES.contains(firstWord)) {
                facts.put(NAME, name);
            }
        }
    }

    /** The match, over all patterns, that starts last in the text. */
    private static void last(List<Pattern> patterns, String text, String key, Map<String, String> facts) {
        int lastStart = -1;
        String value = null;
        for (Pattern pattern : patterns) {
            Matcher matcher = pattern.matcher(text);
            while (matcher.find()) {
                int start = matcher.groupCount() > 0 ? matcher.start(1) : matcher.start();
                if (start > lastStart) {
                    lastStart = start;
                    value = matcher.groupCount() > 0 ? matcher.group(1) : matcher.group();
                }
            }
        }
        if (value != null) {
            facts.put(key, value);
        }
    }

    /** Language names as users write them (lower case) → the name kept as the fact. */
    private static Map<String, String> languages() {
        Map<String, String> names = new TreeMap<>();
        for (String english : List.of("English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch",
                "Polish", "Swedish", "Danish", "Norwegian", "Finnish", "Greek", "Turkish", "Russian", "Ukrainian",
                "Czech", "Hungarian", "Romanian", "Arabic", "Hebrew", "Hindi", "Chinese", "Japanese", "Korean")) {
            names.put(english.toLowerCase(Locale.ROOT), english);
        }
        names.put("deutsch", "German");
        names.put("français", "French");
        names.put("francais", "French");
        names.put("español", "Spanish");
        names.put("espanol", "Spanish");
        names.put("italiano", "Italian");
        return Map.copyOf(names);
    }
}
