/** AxVisor-compatible VM configuration: TOML files to validated, immutable records. */
package dev.axvm.config;
