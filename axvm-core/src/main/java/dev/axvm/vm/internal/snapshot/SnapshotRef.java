package dev.axvm.vm.internal.snapshot;

import java.nio.file.Path;

/**
 * A snapshot file and its fingerprint (the SHA-256 of its header and table, see
 * {@link SnapshotLayout}): how a diff snapshot names the snapshot it layers on.
 *
 * @param file where it is
 * @param fingerprint its fingerprint
 */
public record SnapshotRef(Path file, byte[] fingerprint) {}
