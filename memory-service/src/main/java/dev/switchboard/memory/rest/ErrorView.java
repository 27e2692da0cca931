package dev.switchboard.memory.rest;

/** The JSON body of an error answer: a stable code for programs and a message for people. */
public record ErrorView(String error, String message) {
}
