package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Street addresses, by a heuristic that needs no model or gazetteer. It recognises
 * <ul>
 *   <li>a house number, one to four words and an English street type ({@code 14 Crown Street},
 *       {@code 1668 Glyn St}, {@code 221B Baker Street});</li>
 *   <li>a street word with a continental suffix or prefix and a house number
 *       ({@code Bundesstrasse 31}, {@code Koskikatu 25}, {@code Via Franscini 71}, {@code Rua do Arenque 1634});</li>
 *   <li>a number, one to three capitalised words and a second number ({@code 28245 Puruntie 82}), the
 *       order of many European addresses;</li>
 *   <li>military and post-office boxes ({@code PSC 0413, Box 8144}, {@code P.O. Box 12});</li>
 * </ul>
 * each optionally followed by an apartment or suite ({@code Apt. 864}, {@code Suite 501}). The city and
 * postcode lines that follow are not included.
 */
final class StreetAddressRecognizer implements Recognizer {

    private static final String WORD = "\\p{Lu}[\\p{L}'’.-]*";
    private static final String UNIT = "(?:,?[ \\t]+(?:Apt\\.?|Apartment|Suite|Unit|Flat|Ste\\.?)[ \\t]*\\d{1,5}[A-Za-z]?)?";

    private static final Pattern[] PATTERNS = {
        Pattern.compile("\\b\\d{1,6}[A-Za-z]?[ \\t]+(?:" + WORD + "[ \\t]+){1,4}"
                + "(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq"
                + "|Terrace|Way|Parkway|Pkwy|Highway|Hwy|Circle|Close|Crescent|Alley|Row|Trail|Plaza|Streets)\\b\\.?"
                + UNIT),
        Pattern.compile("\\b\\p{Lu}\\p{L}*(?:stra(?:ß|ss)e|str\\.|weg|gasse|platz|allee|gade|vej|vænget|katu|tie|kuja"
                + "|väg|vägen|gatan|laan|straat|utca)[ \\t]+\\d{1,5}[a-z]?\\b" + UNIT),
        Pattern.compile("\\b(?:Rue|Via|Viale|Calle|Rua|Avenida|Avenue|Chemin|Piazza|Corso|Carrer|Rambla|Ulica)"
                + "[ \\t]+(?:[\\p{L}'’.-]+[ \\t]+){1,4}\\d{1,5}[a-z]?\\b" + UNIT),
        Pattern.compile("\\b\\d{1,6}[ \\t]+\\p{Lu}\\p{Ll}+(?:[ \\t]+\\p{Lu}\\p{Ll}+){0,2}[ \\t]+\\d{1,4}[a-z]?\\b" + UNIT),
        Pattern.compile("\\b(?:PSC|Unit|CMR)[ \\t]+\\d{3,5},?[ \\t]+Box[ \\t]+\\d{3,5}\\b|\\bP\\.?[ \\t]?O\\.?[ \\t]+Box[ \\t]+\\d{1,6}\\b"),
    };

    @Override
    public void find(String text, List<Finding> out) {
        if (!Recognizer.hasDigit(text, 1)) {
            return;
        }
        for (Pattern pattern : PATTERNS) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                out.add(Recognizer.finding(EntityType.STREET_ADDRESS, text, m.start(), m.end()));
            }
        }
    }
}
