/** {@code bin/bench dispatch}: the cost of one device access through axdevice's registry with 1,000 devices. */
package dev.axvm.bench.dispatch;
