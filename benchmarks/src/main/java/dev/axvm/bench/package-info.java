/** JMH benchmarks and the {@code bin/bench} runner. */
package dev.axvm.bench;
