package dev.switchboard.compliance.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.deadletters.Redrives;
import dev.switchboard.runtime.problem.ProblemException;

/** Without the re-drive principal's password, re-drive answers 503 before it reads or writes anything. */
class DeadLetterResourceTest {

    @Test
    void withoutTheRedrivePasswordARedriveIs503() {
        for (Optional<String> password : java.util.List.of(Optional.<String>empty(), Optional.of(" "))) {
            Redrives redrives = new Redrives(null, null, null, "redrive", password);
            assertThat(redrives.configured()).isFalse();
            // No reader, database or caller: none is reached.
            DeadLetterResource resource = new DeadLetterResource(null, redrives, null);
            assertThatThrownBy(() -> resource.redrive("acme", "0-1"))
                    .isInstanceOfSatisfying(ProblemException.class, problem -> {
                        assertThat(problem.status().getStatusCode()).isEqualTo(503);
                        assertThat(problem.code()).isEqualTo("redrive-not-configured");
                    });
        }
    }
}
