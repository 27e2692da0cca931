package dev.switchboard.compliance.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Screens user turns and tool outputs for common prompt-injection patterns. It reports signals, it
 * does not decide: a caller weighs them (block, flag for review, or strip hidden text).
 *
 * <p>The phrase rules are case-insensitive and tolerate any run of white space between words. They
 * aim at the instruction vocabulary of injections rather than at ordinary requests: "ignore the
 * previous instructions" is an override, but "please ignore my previous message" is a customer
 * correcting themselves and is not flagged (an override must name instructions, rules, prompts or
 * the like, and must not be about "my" anything). The price is that a rephrased injection
 * ("pay no attention to what you were told") passes: this is a screen for the well-known forms, to be
 * combined with model-side defences, not a guarantee.
 *
 * <p>Hidden text: each run of zero-width characters (U+200B–U+200F, U+2060–U+2064, U+FEFF), of
 * bidirectional controls (U+202A–U+202E, U+2066–U+2069) or of Unicode tag characters (U+E0000–U+E007F,
 * which can spell invisible ASCII), each HTML comment, and each base64 run of
 * {@value #BASE64_MINIMUM} characters or more.
 *
 * <p>No rule repeats a group without a bound: Java's regex engine recurses once per repetition of a group, so
 * {@code (?:\s+word)*} overflows the stack on a few thousand repeated words. Repeated words are capped
 * ({@code {0,6}}); runs of single characters ({@code \s+}, {@code [A-Za-z0-9+/]*}) do not recurse.
 *
 * <p>Signals come back sorted by start; they may overlap when two rules see the same words. An instance
 * is immutable and thread-safe.
 */
public final class InjectionScreen {

    static final int BASE64_MINIMUM = 200;

    private static final String SP = "\\s+";
    private static final String INSTRUCTIONS = "(?:instructions?|prompts?|rules|directions|directives|guidelines"
            + "|guardrails|commands|orders|context|programming|constraints|restrictions|policies|system\\s+prompt)";

    private record Rule(InjectionKind kind, String name, Pattern pattern) {
    }

    private static final InjectionScreen DEFAULTS = new InjectionScreen(List.of(
            // Instruction override
            rule(InjectionKind.INSTRUCTION_OVERRIDE, "ignore-previous-instructions",
                    "\\b(?:ignore|disregard|forget|skip|override|bypass|drop)" + SP
                    + "(?:(?:all|any|every|each|of|the|your|these|those|earlier|above|previous|prior|preceding|former"
                    + "|original|initial|existing|current|system|developer|safety)" + SP + "){0,4}" + INSTRUCTIONS + "\\b"),
            rule(InjectionKind.INSTRUCTION_OVERRIDE, "disregard-above",
                    "\\b(?:ignore|disregard|forget)" + SP + "(?:all" + SP + "|everything" + SP + "|the" + SP + "|anything" + SP
                    + ")?(?:(?:said|written|stated)" + SP + ")?(?:above|before|previously)\\b"
                    + "(?!" + SP + "(?:message|email|e-mail|mail|order|address|note|comment|request|text|question|reply"
                    + "|payment|one|post|link|number)s?\\b)"),
            rule(InjectionKind.INSTRUCTION_OVERRIDE, "forget-rules",
                    "\\bforget" + SP + "(?:all" + SP + "|about" + SP + ")?(?:your|the|everything|what)"
                    + "(?:" + SP + "(?:you|were|have|been|told|taught|know|previous|prior|original)){0,6}"
                    + "(?:" + SP + INSTRUCTIONS + "|" + SP + "training|\\b(?=" + SP + "(?:and|now)\\b))"),
            rule(InjectionKind.INSTRUCTION_OVERRIDE, "new-instructions",
                    "\\b(?:new|updated|real|actual|revised)" + SP + "(?:system" + SP + ")?(?:instructions?|rules|prompt)"
                    + "\\s*(?::|are\\b|follow\\b)"),
            rule(InjectionKind.INSTRUCTION_OVERRIDE, "from-now-on",
                    "\\bfrom" + SP + "now" + SP + "on\\s*,?" + SP + "(?:you" + SP + "(?:will|must|are|shall|have" + SP
                    + "to)|you're|your" + SP + "(?:new" + SP + ")?(?:role|name|instructions|rules)|ignore|respond" + SP
                    + "only|answer" + SP + "only|only" + SP + "respond)\\b"),
            // Role play as system or as an unrestricted persona
            rule(InjectionKind.SYSTEM_ROLE_PLAY, "you-are-now",
                    "\\byou" + SP + "are" + SP + "now" + SP + "(?:a|an|the|in|no" + SP + "longer|acting|called|named|free"
                    + "|unrestricted|unfiltered|jailbroken|dan|my|operating|going" + SP + "to" + SP + "act)\\b"),
            rule(InjectionKind.SYSTEM_ROLE_PLAY, "act-as-system",
                    "\\b(?:act|behave|respond|pretend|roleplay|role-play)" + SP + "(?:as|to" + SP + "be|like|you" + SP + "are)"
                    + SP + "(?:(?:the|a|an|my)" + SP + ")?(?:system|administrator|admin|root|developer|operator"
                    + "|unrestricted|unfiltered|jailbroken|evil)\\b"),
            rule(InjectionKind.SYSTEM_ROLE_PLAY, "chat-template-token",
                    "<\\|(?:im_start|im_end|system|assistant|user|endoftext|begin_of_text|start_header_id)\\|>"
                    + "|\\[/?(?:INST|SYSTEM|SYS)\\]|<</?SYS>>|<\\s*/?\\s*system\\s*>"),
            rule(InjectionKind.SYSTEM_ROLE_PLAY, "system-header",
                    "(?m)^\\s*#{1,6}\\s*(?:system|developer|assistant)(?:\\s+(?:prompt|message|instructions?))?\\s*:?\\s*$"
                    + "|(?m)^\\s*(?:system|developer)\\s*(?:prompt|message|override)?\\s*:\\s*(?=you\\b|ignore\\b|new\\b|the"
                    + SP + "assistant\\b|from\\b)"),
            rule(InjectionKind.SYSTEM_ROLE_PLAY, "developer-mode",
                    "\\bdeveloper" + SP + "mode" + SP + "(?:enabled|activated|output|response)\\b"
                    + "|\\b(?:you|assistant|model|ai|chatgpt|claude)\\b.{0,40}\\bdeveloper" + SP + "mode\\b"
                    + "|\\bdeveloper" + SP + "mode\\b.{0,40}\\b(?:you|assistant|model|ai|chatgpt|claude)\\b"),
            caseSensitive(InjectionKind.SYSTEM_ROLE_PLAY, "dan-jailbreak",
                    "\\bDAN\\b|(?i:\\bdo" + SP + "anything" + SP + "now\\b|\\bjailbr(?:eak|oken)\\b)"),
            // Exfiltration
            rule(InjectionKind.EXFILTRATION, "reveal-system-prompt",
                    "\\b(?:reveal|print|show|display|output|repeat|tell|give|leak|dump|share|write|recite|echo|what)"
                    + "(?:" + SP + "(?:me|us|out|is|are|was|were)){0,3}" + SP + "(?:all" + SP + ")?(?:your|the)"
                    + SP + "(?:(?:full|entire|exact|complete|original|initial|hidden|secret)" + SP + "){0,4}"
                    + "(?:system|developer|hidden|initial|original|secret)" + SP
                    + "(?:prompt|instructions?|message|rules)\\b"),
            rule(InjectionKind.EXFILTRATION, "repeat-text-above",
                    "\\b(?:repeat|print|output|copy)" + SP + "(?:all" + SP + "|everything" + SP + ")?(?:the" + SP
                    + ")?(?:words|text|everything|lines|content)" + SP + "(?:above|before" + SP + "this)\\b"),
            rule(InjectionKind.EXFILTRATION, "list-tools-secrets",
                    "\\b(?:list|print|show|reveal|dump|give|tell|output|share)" + SP + "(?:me" + SP + ")?(?:all" + SP
                    + ")?(?:of" + SP + ")?(?:your|the)" + SP + "(?:available" + SP + ")?(?:tools|functions|plugins"
                    + "|secrets|api" + SP + "keys?|credentials|tokens|passwords|env(?:ironment)?" + SP + "variables)\\b"
                    + "(?:" + SP + "and" + SP + "(?:your" + SP + ")?(?:secrets|api" + SP + "keys?|credentials|tokens|passwords))?"),
            rule(InjectionKind.EXFILTRATION, "send-to-url",
                    "\\b(?:send|post|forward|upload|exfiltrate|transmit|submit|append|include|encode)\\b[^\\n]{0,100}?"
                    + "\\b(?:to|into|at)" + SP + "(?:https?://|www\\.)\\S+"),
            rule(InjectionKind.EXFILTRATION, "markdown-image-with-data",
                    "!\\[[^\\]\\n]{0,200}\\]\\(\\s*https?://[^)\\s]*\\?[^)\\s]*=[^)\\s]*\\)"),
            // Hidden text
            caseSensitive(InjectionKind.HIDDEN_TEXT, "zero-width-characters",
                    "[\\u200B-\\u200F\\u2060-\\u2064\\uFEFF]+"),
            caseSensitive(InjectionKind.HIDDEN_TEXT, "bidi-controls", "[\\u202A-\\u202E\\u2066-\\u2069]+"),
            caseSensitive(InjectionKind.HIDDEN_TEXT, "unicode-tags", "[\\x{E0000}-\\x{E007F}]+"),
            caseSensitive(InjectionKind.HIDDEN_TEXT, "html-comment", "<!--[\\s\\S]*?(?:-->|$)"),
            caseSensitive(InjectionKind.HIDDEN_TEXT, "base64-blob",
                    "(?<![A-Za-z0-9+/])(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])"
                    + "[A-Za-z0-9+/]{" + BASE64_MINIMUM + ",}={0,2}")));

    private final List<Rule> rules;

    private InjectionScreen(List<Rule> rules) {
        this.rules = rules;
    }

    /** The screen with every rule above, shared. */
    public static InjectionScreen defaults() {
        return DEFAULTS;
    }

    /** The signals in {@code text}, sorted by start; empty for {@code null} or empty text. */
    public List<InjectionSignal> screen(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<InjectionSignal> signals = new ArrayList<>();
        for (Rule rule : rules) {
            Matcher m = rule.pattern().matcher(text);
            while (m.find()) {
                signals.add(new InjectionSignal(rule.kind(), m.start(), m.end(), rule.name()));
            }
        }
        signals.sort(Comparator.comparingInt(InjectionSignal::start).thenComparingInt(InjectionSignal::end));
        return signals;
    }

    private static Rule rule(InjectionKind kind, String name, String regex) {
        return new Rule(kind, name, Pattern.compile(regex,
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL));
    }

    private static Rule caseSensitive(InjectionKind kind, String name, String regex) {
        return new Rule(kind, name, Pattern.compile(regex));
    }
}
