package dev.axvm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The shim's system-event numbers (axvm.h's enum axvm_system_event) as Java reads them. */
class KvmSystemEventTest {

    @Test
    void theShimsEventNumbersMapToTheirMeaningsAndAnythingElseIsOther() {
        assertEquals(KvmSystemEvent.SHUTDOWN, KvmSystemEvent.of(1));
        assertEquals(KvmSystemEvent.RESET, KvmSystemEvent.of(2));
        assertEquals(KvmSystemEvent.CRASH, KvmSystemEvent.of(3));
        assertEquals(KvmSystemEvent.OTHER, KvmSystemEvent.of(0));
        assertEquals(KvmSystemEvent.OTHER, KvmSystemEvent.of(4));
        assertEquals(KvmSystemEvent.OTHER, KvmSystemEvent.of(-1));
    }
}
