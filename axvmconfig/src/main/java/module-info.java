/** AxVisor-compatible VM configuration: TOML files to validated, immutable records. */
module dev.axvm.config {
    requires org.slf4j;
    requires org.tomlj;

    exports dev.axvm.config;
}
