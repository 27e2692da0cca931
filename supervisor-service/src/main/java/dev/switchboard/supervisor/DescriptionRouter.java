package dev.switchboard.supervisor;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.switchboard.events.AgentDescriptor;

/**
 * The built-in {@link RouterModel}: scores each agent by the share of the turn's content words that occur
 * in its description, after lower-casing, dropping stop words and a light stemming. The best agent wins if its share reaches
 * {@code minScore}; ties go to the agent id first in alphabetical order, so routing is deterministic. It
 * runs offline in microseconds; it is a lexical model, not a language model.
 */
public final class DescriptionRouter implements RouterModel {

    private static final Set<String> STOP_WORDS = Set.of("the", "and", "for", "you", "your", "can", "please",
            "with", "this", "that", "have", "has", "was", "are", "not", "but", "what", "how", "why", "when", "who",
            "need", "want", "would", "could", "like", "help", "about", "from", "there", "here", "just", "some",
            "any", "get", "got", "will", "all", "our", "out", "one", "its", "it's", "i'm", "hello", "thanks");

    private final double minScore;

    public DescriptionRouter(double minScore) {
        this.minScore = minScore;
    }

    @Override
    public Optional<Pick> choose(String text, Collection<AgentDescriptor> agents) {
        Set<String> words = words(text);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        AgentDescriptor best = null;
        double bestScore = 0;
        for (AgentDescriptor agent : agents) {
            Set<String> described = words(agent.getDescription());
            double score = words.stream().filter(described::contains).count() / (double) words.size();
            if (score > bestScore || score == bestScore && best != null && agent.getId().compareTo(best.getId()) < 0) {
                best = agent;
                bestScore = score;
            }
        }
        if (best == null || bestScore < minScore) {
            return Optional.empty();
        }
        return Optional.of(new Pick(best.getId(), String.format(Locale.ROOT,
                "router: description matches %.0f%% of the message", bestScore * 100)));
    }

    static Set<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+"))
                .filter(word -> word.length() >= 3 && !STOP_WORDS.contains(word))
                .map(DescriptionRouter::stem)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Folds common English inflections together: refunds, refunded, refunding → refund. */
    static String stem(String word) {
        for (String suffix : new String[] {"ing", "ed", "es", "s"}) {
            if (word.length() > suffix.length() + 3 && word.endsWith(suffix)) {
                return word.substring(0, word.length() - suffix.length());
            }
        }
        return word;
    }
}
