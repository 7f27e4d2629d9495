package dev.axvm.device;

/**
 * A device with no state of its own (every access answered from constants or passed straight to
 * the VM): a VM snapshot has nothing to save for it. A device that is neither this nor a
 * {@link StatefulDevice} makes a snapshot of its VM fail, naming it.
 */
public interface StatelessDevice {}
