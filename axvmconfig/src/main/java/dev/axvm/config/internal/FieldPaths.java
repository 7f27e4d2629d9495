package dev.axvm.config.internal;

/** Field paths as messages write them: {@code kernel.memory_regions[1].size}. */
public final class FieldPaths {
    private FieldPaths() {}

    /** The enclosing field ({@code kernel.memory_regions[1]} for {@code kernel.memory_regions[1].size}), or null at the top. */
    public static String parent(String field) {
        int cut = Math.max(field.lastIndexOf('.'), field.lastIndexOf('['));
        return cut <= 0 ? null : field.substring(0, cut);
    }
}
