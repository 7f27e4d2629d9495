/** What the modules' tests share: the seed rule of the property and chaos tests. */
module dev.axvm.testing {
    exports dev.axvm.testing;
}
