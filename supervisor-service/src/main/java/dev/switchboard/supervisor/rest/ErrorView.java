package dev.switchboard.supervisor.rest;

/** The body of every error answer. */
public record ErrorView(String code, String message) {
}
