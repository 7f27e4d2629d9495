package dev.axvm.config.internal;

/**
 * A rule's finding before it is placed: what is wrong and what was expected.
 *
 * @param what what is wrong
 * @param expected what was expected
 */
public record Problem(String what, String expected) {}
