package dev.switchboard.compliance.rest;

/** An error answer: a machine-readable code and a sentence for people. */
public record ErrorView(String code, String message) {
}
