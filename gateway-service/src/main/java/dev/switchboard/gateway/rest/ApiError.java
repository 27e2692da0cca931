package dev.switchboard.gateway.rest;

/**
 * The body of every error answer.
 *
 * @param error   a stable, machine-readable code
 * @param message what went wrong, for a person
 */
public record ApiError(String error, String message) {
}
