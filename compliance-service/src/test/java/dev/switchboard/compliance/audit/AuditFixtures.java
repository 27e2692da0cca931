package dev.switchboard.compliance.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import javax.sql.DataSource;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;

/** Turns of a given tenant and user, and direct SQL for tests that tamper with the table. */
final class AuditFixtures {

    private AuditFixtures() {
    }

    static String uniqueTenant() {
        return "tenant-" + UUID.randomUUID();
    }

    static TurnReceived turn(String tenant, String user, String session, String turnId, String text) {
        Envelope envelope = Envelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setSessionId(session)
                .setTurnId(turnId)
                .setPrincipal(Principal.newBuilder().setTenant(tenant).setUser(user).build())
                .setChannel("webchat")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
        return TurnReceived.newBuilder().setEnvelope(envelope).setChannelMessageId("m-" + envelope.getEventId())
                .setText(text).build();
    }

    /** Runs one statement outside the service, as someone with write access to the database would. */
    static int execute(DataSource database, String sql, Object... parameters) {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static String queryString(DataSource database, String sql, Object... parameters) {
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (var result = statement.executeQuery()) {
                return result.next() ? result.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
