package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Person names, by a heuristic that needs no model: one to four capitalised words after an honorific
 * ({@code Dr. Cettina Fanucci}, {@code Mrs Smith}) or after an introduction ({@code my name is},
 * {@code name:}, {@code call me}, {@code Dear}, a closing such as {@code Regards,}). It finds names
 * only in those positions: a bare name in running text is not found.
 */
final class PersonRecognizer implements Recognizer {

    private static final String NAME_WORD = "\\p{Lu}[\\p{L}'’-]*\\p{L}";
    private static final String NAME = "(" + NAME_WORD + "(?:[ \\t]+(?:\\p{Lu}\\.|" + NAME_WORD + ")){0,3})";

    private static final Pattern HONORIFIC = Pattern.compile(
            "\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Madam|Mme|Mlle|Herr|Frau|Sr|Sra|Srta)\\.?[ \\t]+" + NAME);
    private static final Pattern INTRODUCTION = Pattern.compile(
            "(?i:\\bmy\\s+name\\s+is|\\bname\\s*:|\\bcall\\s+me|\\bdear|\\b(?:kind\\s+|best\\s+)?regards,"
            + "|\\bsincerely,|\\bcheers,)\\s*" + NAME);

    @Override
    public void find(String text, List<Finding> out) {
        for (Pattern pattern : new Pattern[] {HONORIFIC, INTRODUCTION}) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                out.add(Recognizer.finding(EntityType.PERSON, text, m.start(1), m.end(1)));
            }
        }
    }
}
