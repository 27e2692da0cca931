package dev.switchboard.compliance.detection;

/**
 * One detected value.
 *
 * @param type  what it is
 * @param start index of its first character in the text
 * @param end   index just past its last character ({@code [start, end)}, Java {@code String} indices)
 * @param value {@code text.substring(start, end)}
 */
public record Finding(EntityType type, int start, int end, String value) {
}
