package dev.switchboard.agent.model;

import java.util.List;

import dev.switchboard.events.ChatMessage;

/** A chat model: instructions, history and the user's message in; one reply out. */
public interface Model {

    /** The model's id as reported in results and audit steps. */
    String id();

    ModelReply complete(String instructions, List<ChatMessage> history, String userMessage);
}
