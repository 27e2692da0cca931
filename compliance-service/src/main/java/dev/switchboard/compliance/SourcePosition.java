package dev.switchboard.compliance;

/** Where a raw event was read from: it tells a redelivery of one record from a second copy of an event. */
public record SourcePosition(String topic, int partition, long offset) {
}
