package dev.switchboard.compliance.detection;

/**
 * One prompt-injection pattern found in a text.
 *
 * @param kind  the family of the pattern
 * @param start index of its first character in the text
 * @param end   index just past its last character ({@code [start, end)})
 * @param rule  the name of the rule that matched, stable enough for metrics and audit rows
 */
public record InjectionSignal(InjectionKind kind, int start, int end, String rule) {
}
