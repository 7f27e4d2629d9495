package dev.axvm.config.internal;

/** Values quoted in messages: escaped so that a message stays one line, and shortened. */
public final class Quoting {
    private static final int LONGEST = 60;

    private Quoting() {}

    /** {@code s} with control characters escaped, cut to a readable length. */
    public static String shorten(String s) {
        return shorten(s, LONGEST);
    }

    /** A path with control characters escaped, cut only when it is unreasonably long. */
    public static String path(String s) {
        return shorten(s, 4 * LONGEST);
    }

    private static String shorten(String s, int longest) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < longest; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validPair(s, i)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (sb.length() >= longest && s.length() > longest) {
            sb.append("…");
        }
        return sb.toString();
    }

    /** A device name as a message prefix: {@code "uart" }, or nothing when the name is empty. */
    public static String name(String name) {
        return name.isEmpty() ? "" : "\"" + shorten(name) + "\" ";
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
