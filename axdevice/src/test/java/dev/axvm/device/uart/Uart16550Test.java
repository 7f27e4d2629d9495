package dev.axvm.device.uart;

import static dev.axvm.device.uart.Uart16550.DLL;
import static dev.axvm.device.uart.Uart16550.DLM;
import static dev.axvm.device.uart.Uart16550.FCR;
import static dev.axvm.device.uart.Uart16550.IER;
import static dev.axvm.device.uart.Uart16550.IIR;
import static dev.axvm.device.uart.Uart16550.LCR;
import static dev.axvm.device.uart.Uart16550.LSR;
import static dev.axvm.device.uart.Uart16550.MCR;
import static dev.axvm.device.uart.Uart16550.MSR;
import static dev.axvm.device.uart.Uart16550.RBR;
import static dev.axvm.device.uart.Uart16550.SCR;
import static dev.axvm.device.uart.Uart16550.THR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.device.InterruptLine;
import dev.axvm.device.LineChange;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.TriggerMode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 16550A register model against the datasheet's behaviour. */
class Uart16550Test {
    private final CapturingSerialSink out = new CapturingSerialSink();
    private final SerialInputQueue in = new SerialInputQueue(64);
    private final RecordingInterruptSink irqs = new RecordingInterruptSink();
    private final Uart16550 uart = new Uart16550(out, in, new InterruptLine(irqs, 4, TriggerMode.LEVEL));

    private void push(String text) {
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertEquals(b.length, in.offer(b, 0, b.length), "queue took everything");
    }

    private String drain(int n) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            assertEquals(Uart16550.LSR_DR, uart.readRegister(LSR) & Uart16550.LSR_DR, "data ready before byte " + i);
            s.append((char) uart.readRegister(RBR));
        }
        return s.toString();
    }

    @Test
    void resetValuesMatchTheDatasheet() {
        assertEquals(0x00, uart.readRegister(IER));
        assertEquals(0x01, uart.readRegister(IIR));
        assertEquals(0x00, uart.readRegister(LCR));
        assertEquals(0x00, uart.readRegister(MCR));
        assertEquals(0x60, uart.readRegister(LSR));
        assertEquals(0xB0, uart.readRegister(MSR));
        assertEquals(0x00, uart.readRegister(SCR));
        assertEquals(12, uart.divisor());
        assertEquals(9600, uart.baudRate());
        assertFalse(uart.fifoEnabled());
        assertEquals(List.of(), irqs.changes());
    }

    @Test
    void divisorLatchOverlaysRbrThrAndIerWhileDlabIsSet() {
        uart.writeRegister(IER, 0x05);
        uart.writeRegister(LCR, 0x83);
        uart.writeRegister(DLL, 0x01);
        uart.writeRegister(DLM, 0x00);
        assertEquals(0x01, uart.readRegister(DLL));
        assertEquals(0x00, uart.readRegister(DLM));
        assertEquals(1, uart.divisor());
        assertEquals(115_200, uart.baudRate());
        assertEquals(0, out.size(), "a DLL write transmits nothing");

        uart.writeRegister(DLL, 0x80);
        uart.writeRegister(DLM, 0x01);
        assertEquals(0x180, uart.divisor());
        assertEquals(300, uart.baudRate());

        uart.writeRegister(LCR, 0x03);
        assertEquals(0x05, uart.readRegister(IER), "IER kept its value under the latch");
        uart.writeRegister(THR, 'x');
        assertEquals("x", out.text());
        assertEquals(0x180, uart.divisor(), "the divisor survives DLAB being cleared");
    }

    @Test
    void divisorZeroMeansNoClock() {
        uart.writeRegister(LCR, 0x80);
        uart.writeRegister(DLL, 0);
        assertEquals(0, uart.baudRate());
    }

    @Test
    void bytesPassWholeWhateverTheWordLength() {
        // LCR resets to 5-bit words; guests that never program it must still print.
        uart.writeRegister(THR, 0xFF);
        uart.writeRegister(LCR, 0x02);
        uart.writeRegister(THR, 'h');
        assertArrayEquals(new byte[] {(byte) 0xFF, 'h'}, out.bytes());
        assertEquals(0x02, uart.readRegister(LCR));
    }

    @Test
    void transmitterIsAlwaysEmptyBecauseBytesLeaveAtOnce() {
        uart.writeRegister(LCR, 0x03);
        for (int i = 0; i < 40; i++) {
            uart.writeRegister(THR, 'a' + i % 26);
            assertEquals(Uart16550.LSR_THRE | Uart16550.LSR_TEMT, uart.readRegister(LSR));
        }
        assertEquals(40, out.size());
    }

    @Test
    void receiveFifoFillsToSixteenAndLeavesTheRestInTheSource() {
        uart.writeRegister(FCR, Uart16550.FCR_ENABLE_FIFO);
        push("abcdefghijklmnopqrst");
        assertEquals(16, uart.rxCount());
        assertEquals(4, in.available(), "back-pressure keeps the rest in the source");
        assertEquals("abcdefghijklmnopqrst", drain(20));
        assertEquals(0, uart.readRegister(LSR) & Uart16550.LSR_DR);
        assertEquals(0, uart.readRegister(RBR), "an empty receiver reads 0");
        assertEquals(0, in.available());
    }

    @Test
    void withoutFifoTheReceiverHoldsOneByte() {
        push("xyz");
        assertEquals(1, uart.rxCount());
        assertEquals(2, in.available());
        assertEquals("xyz", drain(3));
    }

    @Test
    void clearingTheReceiveFifoDropsItsBytesAndRefillsFromTheSource() {
        uart.writeRegister(FCR, Uart16550.FCR_ENABLE_FIFO);
        push("0123456789ABCDEFwxyz");
        uart.writeRegister(FCR, Uart16550.FCR_ENABLE_FIFO | Uart16550.FCR_CLEAR_RCVR);
        assertEquals(4, uart.rxCount());
        assertEquals("wxyz", drain(4));
    }

    @Test
    void switchingFifoModeClearsTheFifo() {
        uart.writeRegister(FCR, Uart16550.FCR_ENABLE_FIFO);
        uart.writeRegister(MCR, Uart16550.MCR_LOOP);
        uart.writeRegister(THR, 'a');
        uart.writeRegister(THR, 'b');
        assertEquals(2, uart.rxCount());
        uart.writeRegister(FCR, 0);
        assertEquals(0, uart.rxCount());
        assertFalse(uart.fifoEnabled());
    }

    @Test
    void fcrBitsOtherThanEnableNeedEnableSet() {
        uart.writeRegister(FCR, 0xC8);
        assertFalse(uart.fifoEnabled());
        assertEquals(1, uart.rxTriggerLevel());
        assertFalse(uart.dmaMode());
        uart.writeRegister(FCR, 0xC9);
        assertTrue(uart.fifoEnabled());
        assertEquals(14, uart.rxTriggerLevel());
        assertTrue(uart.dmaMode());
    }

    @Test
    void triggerLevelsAreOneFourEightFourteen() {
        int[] expected = {1, 4, 8, 14};
        for (int sel = 0; sel < 4; sel++) {
            uart.writeRegister(FCR, sel << 6 | Uart16550.FCR_ENABLE_FIFO);
            assertEquals(expected[sel], uart.rxTriggerLevel(), "FCR trigger select " + sel);
        }
    }

    @Test
    void iirShowsFifosEnabledAndNoSixtyFourByteFifo() {
        // Linux's autoconfig tells a 16550A from a 16750 by IIR bit 5 after FCR 0xE7 (bit 5 = 64-byte FIFO).
        uart.writeRegister(FCR, 0xE7);
        assertEquals(0xC1, uart.readRegister(IIR));
        uart.writeRegister(FCR, 0x00);
        assertEquals(0x01, uart.readRegister(IIR));
    }

    @Test
    void receivedDataBelowTheTriggerReportsTimeoutAndAtTheTriggerReportsDataAvailable() {
        uart.writeRegister(FCR, 0xC1);
        uart.writeRegister(IER, Uart16550.IER_RDI);
        push("abc");
        assertEquals(0xC0 | Uart16550.IIR_TIMEOUT, uart.readRegister(IIR));
        push("defghijklmn");
        assertEquals(14, uart.rxCount());
        assertEquals(0xC0 | Uart16550.IIR_RDI, uart.readRegister(IIR));
        uart.readRegister(RBR);
        assertEquals(0xC0 | Uart16550.IIR_TIMEOUT, uart.readRegister(IIR));
        drain(13);
        assertEquals(0xC1, uart.readRegister(IIR));
    }

    @Test
    void interruptIdentificationFollowsThePriorityOrder() {
        uart.writeRegister(LCR, 0x03);
        uart.writeRegister(FCR, Uart16550.FCR_ENABLE_FIFO);
        // Loopback with only RTS: DSR and DCD drop, so modem status has deltas pending.
        uart.writeRegister(MCR, Uart16550.MCR_LOOP | Uart16550.MCR_RTS);
        for (int i = 0; i < 17; i++) {
            uart.writeRegister(THR, 'A' + i);
        }
        uart.writeRegister(IER, 0x0F);

        assertEquals(0xC0 | Uart16550.IIR_RLSI, uart.readRegister(IIR), "1: receiver line status (overrun)");
        assertEquals(Uart16550.LSR_DR | Uart16550.LSR_OE | 0x60, uart.readRegister(LSR));
        assertEquals(0xC0 | Uart16550.IIR_RDI, uart.readRegister(IIR), "2: received data");
        assertEquals("ABCDEFGHIJKLMNOP", drain(16), "the 17th byte was the overrun");
        assertEquals(0xC0 | Uart16550.IIR_THRI, uart.readRegister(IIR), "3: THR empty");
        assertEquals(0xC0 | Uart16550.IIR_MSI, uart.readRegister(IIR), "4: modem status (reading IIR acknowledged THRE)");
        assertEquals(Uart16550.MSR_CTS | Uart16550.MSR_DDSR | Uart16550.MSR_DDCD, uart.readRegister(MSR));
        assertEquals(0xC1, uart.readRegister(IIR), "nothing left");
        assertFalse(irqs.level(4));
    }

    @Test
    void timeoutOutranksThrEmpty() {
        uart.writeRegister(FCR, 0x41);
        uart.writeRegister(IER, Uart16550.IER_RDI | Uart16550.IER_THRI);
        push("a");
        assertEquals(0xC0 | Uart16550.IIR_TIMEOUT, uart.readRegister(IIR));
        uart.readRegister(RBR);
        assertEquals(0xC0 | Uart16550.IIR_THRI, uart.readRegister(IIR));
    }

    @Test
    void enablingThrEmptyRaisesItAtOnceAndReadingIirAcknowledgesIt() {
        uart.writeRegister(IER, Uart16550.IER_THRI);
        assertTrue(irqs.level(4));
        assertEquals(Uart16550.IIR_THRI, uart.readRegister(IIR));
        assertEquals(Uart16550.IIR_NO_INT, uart.readRegister(IIR));
        assertFalse(irqs.level(4));
        uart.writeRegister(THR, 'x');
        assertEquals(Uart16550.IIR_THRI, uart.readRegister(IIR), "the write emptied at once and re-armed it");
        // Disabling and re-enabling re-raises it (Linux's THRE test relies on this).
        uart.writeRegister(IER, 0);
        assertEquals(Uart16550.IIR_NO_INT, uart.readRegister(IIR));
        uart.writeRegister(IER, Uart16550.IER_THRI);
        assertEquals(Uart16550.IIR_THRI, uart.readRegister(IIR));
    }

    @Test
    void receivedDataRaisesTheLineAndReadingLowersIt() {
        uart.writeRegister(IER, Uart16550.IER_RDI);
        assertEquals(List.of(), irqs.changes());
        push("k");
        assertTrue(irqs.level(4));
        assertEquals('k', uart.readRegister(RBR));
        assertEquals(List.of(new LineChange(4, true), new LineChange(4, false)), irqs.changes());
    }

    @Test
    void loopbackSendsThrToRbrAndNotToTheSink() {
        uart.writeRegister(LCR, 0x03);
        uart.writeRegister(MCR, Uart16550.MCR_LOOP);
        uart.writeRegister(THR, 'L');
        assertEquals(0, out.size());
        assertEquals('L', uart.readRegister(RBR));
        push("h");
        assertEquals(0, uart.rxCount(), "the source is cut off in loopback");
        uart.writeRegister(MCR, 0);
        assertEquals('h', uart.readRegister(RBR), "and reconnected after");
    }

    @Test
    void loopbackMirrorsModemOutputsIntoMsrWithDeltas() {
        uart.writeRegister(MCR, Uart16550.MCR_LOOP | 0x0F);
        assertEquals(0xF0, uart.readRegister(MSR) & 0xF0);
        uart.writeRegister(MCR, Uart16550.MCR_LOOP | Uart16550.MCR_DTR);
        assertEquals(Uart16550.MSR_DSR, uart.readRegister(MSR) & 0xF0, "DTR drives DSR");
        uart.writeRegister(MCR, Uart16550.MCR_LOOP | Uart16550.MCR_RTS);
        assertEquals(Uart16550.MSR_CTS | Uart16550.MSR_DCTS | Uart16550.MSR_DDSR, uart.readRegister(MSR),
                "RTS drives CTS");
        assertEquals(Uart16550.MSR_CTS, uart.readRegister(MSR), "reading MSR cleared the deltas");
        uart.writeRegister(MCR, Uart16550.MCR_LOOP | Uart16550.MCR_OUT1);
        assertEquals(Uart16550.MSR_RI | Uart16550.MSR_DCTS, uart.readRegister(MSR), "OUT1 drives RI");
        uart.writeRegister(MCR, Uart16550.MCR_LOOP);
        assertEquals(Uart16550.MSR_TERI, uart.readRegister(MSR), "RI's trailing edge");
        uart.writeRegister(MCR, Uart16550.MCR_LOOP | Uart16550.MCR_OUT2);
        assertEquals(Uart16550.MSR_DCD | Uart16550.MSR_DDCD, uart.readRegister(MSR), "OUT2 drives DCD");
        uart.writeRegister(MCR, 0);
        assertEquals(0xB0 | Uart16550.MSR_DCTS | Uart16550.MSR_DDSR, uart.readRegister(MSR),
                "leaving loopback reconnects CTS, DSR, DCD");
    }

    @Test
    void modemStatusInterruptNeedsItsEnable() {
        uart.writeRegister(MCR, Uart16550.MCR_LOOP);
        assertEquals(Uart16550.IIR_NO_INT, uart.readRegister(IIR));
        uart.writeRegister(IER, Uart16550.IER_MSI);
        assertEquals(Uart16550.IIR_MSI, uart.readRegister(IIR));
        assertTrue(irqs.level(4));
        uart.readRegister(MSR);
        assertFalse(irqs.level(4));
    }

    @Test
    void loopbackOverrunSetsOeUntilLsrIsRead() {
        uart.writeRegister(MCR, Uart16550.MCR_LOOP);
        uart.writeRegister(THR, 1);
        uart.writeRegister(THR, 2);
        int lsr = uart.readRegister(LSR);
        assertEquals(Uart16550.LSR_OE | Uart16550.LSR_DR, lsr & 0x03);
        assertEquals(0, uart.readRegister(LSR) & Uart16550.LSR_OE, "reading LSR cleared OE");
        assertEquals(1, uart.readRegister(RBR), "the holding register kept the first byte");
    }

    @Test
    void scratchRegisterHoldsAByte() {
        uart.writeRegister(SCR, 0x1A5);
        assertEquals(0xA5, uart.readRegister(SCR));
    }

    @Test
    void lsrAndMsrIgnoreWrites() {
        uart.writeRegister(LSR, 0xFF);
        uart.writeRegister(MSR, 0x0F);
        assertEquals(0x60, uart.readRegister(LSR));
        assertEquals(0xB0, uart.readRegister(MSR));
    }

    @Test
    void inputQueuedBeforeTheUartExistsIsPulledWhenItAttaches() {
        SerialInputQueue early = new SerialInputQueue(8);
        early.offer(new byte[] {'e'}, 0, 1);
        Uart16550 late = new Uart16550(out, early, InterruptLine.disconnected());
        assertEquals('e', late.readRegister(RBR));
    }

    @Test
    void resetRestoresRegistersAndKeepsTheSourcesBytes() {
        uart.writeRegister(FCR, Uart16550.FCR_ENABLE_FIFO);
        uart.writeRegister(LCR, 0x9B);
        uart.writeRegister(DLL, 3);
        uart.writeRegister(LCR, 0x1B);
        uart.writeRegister(IER, 0x0F);
        uart.writeRegister(SCR, 0x55);
        push("0123456789abcdefXY");
        uart.reset();
        assertEquals(0, uart.readRegister(LCR));
        assertEquals(0, uart.readRegister(IER));
        assertEquals(0, uart.readRegister(SCR));
        assertEquals(12, uart.divisor());
        assertEquals(1, uart.rxCount(), "character mode again: one byte pulled from what the source kept");
        assertEquals('X', uart.readRegister(RBR));
        assertEquals('Y', uart.readRegister(RBR));
        assertFalse(irqs.level(4));
    }

    @Test
    void registersOutsideZeroToSevenAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> uart.readRegister(8));
        assertThrows(IllegalArgumentException.class, () -> uart.writeRegister(-1, 0));
    }
}
