package dev.switchboard.compliance.detection;

import java.util.List;

/** Finds the values of one entity type; implementations are stateless and thread-safe. */
interface Recognizer {

    /** Adds every validated value in {@code text} to {@code out}, in any order; overlaps are allowed. */
    void find(String text, List<Finding> out);

    static Finding finding(EntityType type, String text, int start, int end) {
        return new Finding(type, start, end, text.substring(start, end));
    }

    static boolean hasDigit(String text, int minimum) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9' && ++count >= minimum) {
                return true;
            }
        }
        return false;
    }
}
