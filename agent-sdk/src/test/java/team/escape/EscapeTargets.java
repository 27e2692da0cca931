package team.escape;

/** Where the escape agents try to reach: the test runs a server there, on the host's loopback. */
final class EscapeTargets {

    static final int PORT = 47613;

    private EscapeTargets() {
    }
}
