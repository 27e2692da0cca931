package dev.switchboard.runtime.tasks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The service's {@link TaskTickets}, keyed by {@code switchboard.tasks.ticket-key} (base64, at least 32 bytes). */
@ApplicationScoped
public class TaskTicketsProducer {

    @Produces
    @ApplicationScoped
    TaskTickets tickets(@ConfigProperty(name = "switchboard.tasks.ticket-key") String key) {
        return TaskTickets.fromBase64(key);
    }
}
