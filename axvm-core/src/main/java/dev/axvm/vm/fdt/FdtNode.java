package dev.axvm.vm.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One node of a device tree: a name ({@code "serial@10000000"}; the root's is empty), properties in
 * the order they were set, and children in the order they were added. Property values are the
 * exact bytes of the blob: big-endian 32-bit cells, NUL-terminated strings, or nothing. Names are
 * checked against the specification's character sets; a property name or a child name appears
 * once per node.
 */
public final class FdtNode {
    // Specification v0.4, 2.2.1 and 2.2.4: node names [0-9a-zA-Z,._+-]{1,31} with an optional
    // "@unit-address" of the same set; property names [0-9a-zA-Z,._+?#-]{1,31}.
    private static final Pattern NODE_NAME = Pattern.compile("[0-9a-zA-Z,._+-]{1,31}(@[0-9a-zA-Z,._+-]+)?");
    private static final Pattern PROPERTY_NAME = Pattern.compile("[0-9a-zA-Z,._+?#-]{1,31}");

    private final String name;
    private final Map<String, byte[]> properties = new LinkedHashMap<>();
    private final List<FdtNode> children = new ArrayList<>();

    private FdtNode(String name) {
        this.name = name;
    }

    /** A root node. */
    public static FdtNode root() {
        return new FdtNode("");
    }

    /** The node's name; empty for the root. */
    public String name() {
        return name;
    }

    /**
     * Adds a child named {@code name} and returns it.
     *
     * @throws IllegalArgumentException for a name the specification does not allow, or one this node has
     */
    public FdtNode addChild(String name) {
        Objects.requireNonNull(name, "name");
        if (!NODE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid node name");
        }
        if (child(name).isPresent()) {
            throw new IllegalArgumentException("node '" + this.name + "' already has a child '" + name + "'");
        }
        FdtNode child = new FdtNode(name);
        children.add(child);
        return child;
    }

    /** The child named {@code name}, if there is one. */
    public Optional<FdtNode> child(String name) {
        return children.stream().filter(c -> c.name.equals(name)).findFirst();
    }

    /** The children, in order. */
    public List<FdtNode> children() {
        return Collections.unmodifiableList(children);
    }

    /** The properties' names, in order. */
    public List<String> propertyNames() {
        return List.copyOf(properties.keySet());
    }

    /** A copy of property {@code name}'s value, if the node has it. */
    public Optional<byte[]> property(String name) {
        byte[] v = properties.get(name);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    /**
     * Sets property {@code name} to exactly {@code value}.
     *
     * @throws IllegalArgumentException for a name the specification does not allow, or one this node has
     */
    public FdtNode property(String name, byte[] value) {
        Objects.requireNonNull(name, "name");
        if (!PROPERTY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid property name");
        }
        if (properties.containsKey(name)) {
            throw new IllegalArgumentException("node '" + this.name + "' already has a property '" + name + "'");
        }
        properties.put(name, value.clone());
        return this;
    }

    /** A property of 32-bit cells ({@code <1 2 3>}); each value must fit in 32 bits, unsigned. */
    public FdtNode cells(String name, long... cells) {
        byte[] v = new byte[4 * cells.length];
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] < 0 || cells[i] > 0xffff_ffffL) {
                throw new IllegalArgumentException(name + ": cell " + i + " = 0x" + Long.toHexString(cells[i])
                        + " does not fit in 32 bits");
            }
            putU32(v, 4 * i, cells[i]);
        }
        return property(name, v);
    }

    /** A property of 64-bit values, each as two cells, high first ({@code /bits/ 64 <x>}). */
    public FdtNode u64(String name, long... values) {
        byte[] v = new byte[8 * values.length];
        for (int i = 0; i < values.length; i++) {
            putU32(v, 8 * i, values[i] >>> 32);
            putU32(v, 8 * i + 4, values[i] & 0xffff_ffffL);
        }
        return property(name, v);
    }

    /** A string property. */
    public FdtNode string(String name, String value) {
        return strings(name, value);
    }

    /** A string list ({@code "a", "b"}): each string NUL-terminated, one after another. */
    public FdtNode strings(String name, String... values) {
        StringBuilder sb = new StringBuilder();
        for (String s : values) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(name + ": a string of a device tree cannot hold NUL");
            }
            sb.append(s).append('\0');
        }
        return property(name, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** An empty property, which says yes by being there ({@code interrupt-controller;}). */
    public FdtNode flag(String name) {
        return property(name, new byte[0]);
    }

    private static void putU32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    Map<String, byte[]> rawProperties() {
        return properties;
    }

    /** Deep equality: names, properties (in order, by value) and children (in order). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FdtNode n) || !name.equals(n.name) || properties.size() != n.properties.size()) {
            return false;
        }
        var a = properties.entrySet().iterator();
        var b = n.properties.entrySet().iterator();
        while (a.hasNext()) {
            var x = a.next();
            var y = b.next();
            if (!x.getKey().equals(y.getKey()) || !Arrays.equals(x.getValue(), y.getValue())) {
                return false;
            }
        }
        return children.equals(n.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, properties.keySet(), children);
    }

    @Override
    public String toString() {
        return "/" + name + " (" + properties.size() + " properties, " + children.size() + " children)";
    }
}
