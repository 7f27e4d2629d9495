package dev.axvm.device.uart;

import static dev.axvm.device.uart.Pl011.CR;
import static dev.axvm.device.uart.Pl011.DR;
import static dev.axvm.device.uart.Pl011.FR;
import static dev.axvm.device.uart.Pl011.ICR;
import static dev.axvm.device.uart.Pl011.IFLS;
import static dev.axvm.device.uart.Pl011.IMSC;
import static dev.axvm.device.uart.Pl011.LCR_H;
import static dev.axvm.device.uart.Pl011.MIS;
import static dev.axvm.device.uart.Pl011.RIS;
import static dev.axvm.device.uart.Pl011.RSR_ECR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.axvm.addrspace.AccessWidth;
import dev.axvm.device.ArrayGuestMemory;
import dev.axvm.device.DeviceContext;
import dev.axvm.device.InterruptLine;
import dev.axvm.device.RecordingInterruptSink;
import dev.axvm.device.TriggerMode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The PL011 register model against Arm's TRM and what Linux's amba-pl011 driver probes. */
class Pl011Test {
    private static final long BASE = Pl011.DEFAULT_BASE;
    private final CapturingSerialSink out = new CapturingSerialSink();
    private final SerialInputQueue in = new SerialInputQueue(64);
    private final RecordingInterruptSink irqs = new RecordingInterruptSink();
    private final Pl011 uart = new Pl011("pl011", BASE, Pl011.WINDOW, out, in,
            new InterruptLine(irqs, Pl011.DEFAULT_IRQ, TriggerMode.LEVEL));
    private final DeviceContext ctx = new DeviceContext(1, 0, new ArrayGuestMemory(0, 16));

    private int read(int offset) {
        return (int) uart.handleRead(BASE + offset, AccessWidth.DWORD, ctx);
    }

    private void write(int offset, int value) {
        uart.handleWrite(BASE + offset, AccessWidth.DWORD, value & 0xFFFF_FFFFL, ctx);
    }

    private void push(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(b.length, in.offer(b, 0, b.length));
    }

    @Test
    void idRegistersIdentifyAnArmPl011ForTheAmbaBus() {
        int[] expected = {0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1};
        int periphId = 0;
        int cellId = 0;
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], read(0xFE0 + 4 * i), "PeriphID" + i);
            assertEquals(expected[4 + i], read(0xFF0 + 4 * i), "PCellID" + i);
            periphId |= (read(0xFE0 + 4 * i) & 0xFF) << (8 * i);
            cellId |= (read(0xFF0 + 4 * i) & 0xFF) << (8 * i);
        }
        // Linux's amba bus matches id 0x00041011 under mask 0x000fffff, and needs the PrimeCell cell id.
        assertEquals(0x00041011, periphId & 0x000FFFFF);
        assertEquals(0xB105F00D, cellId);
        assertEquals(1, (periphId >> 20) & 0xF, "revision 1: a 16-byte FIFO");
    }

    @Test
    void resetValuesMatchTheTrm() {
        assertEquals(0x0300, read(CR));
        assertEquals(0x12, read(IFLS));
        assertEquals(Pl011.FR_TXFE | Pl011.FR_RXFE | Pl011.FR_CTS | Pl011.FR_DSR | Pl011.FR_DCD, read(FR));
        assertEquals(0, read(IMSC));
        assertEquals(0, read(RIS));
        assertEquals(0, read(LCR_H));
        assertEquals(0, read(RSR_ECR));
    }

    @Test
    void registersKeepOnlyTheirBits() {
        write(Pl011.IBRD, 0x12345);
        write(Pl011.FBRD, 0xFF);
        write(Pl011.ILPR, 0x1FF);
        write(LCR_H, 0x1FF);
        write(CR, 0xFFFF_FFFF);
        write(IFLS, 0xFF);
        write(IMSC, 0xFFFF);
        write(Pl011.DMACR, 0xFF);
        assertEquals(0x2345, read(Pl011.IBRD));
        assertEquals(0x3F, read(Pl011.FBRD));
        assertEquals(0xFF, read(Pl011.ILPR));
        assertEquals(0xFF, read(LCR_H));
        assertEquals(0xFF87, read(CR));
        assertEquals(0x3F, read(IFLS));
        assertEquals(0x7FF, read(IMSC));
        assertEquals(0x7, read(Pl011.DMACR));
    }

    @Test
    void readOnlyRegistersIgnoreWrites() {
        write(FR, 0);
        write(RIS, 0x7FF);
        write(0xFE0, 0);
        assertEquals(0x97, read(FR));
        assertEquals(0, read(RIS));
        assertEquals(0x11, read(0xFE0));
    }

    @Test
    void dataWritesTransmitTheLowByteWhateverTheWordLength() {
        write(DR, 'h');
        write(DR, 0x1FF);
        write(LCR_H, 0x60);
        write(DR, 0x41);
        assertArrayEquals(new byte[] {'h', (byte) 0xFF, 'A'}, out.bytes());
        assertEquals(0, read(FR) & (Pl011.FR_BUSY | Pl011.FR_TXFF));
        assertEquals(Pl011.FR_TXFE, read(FR) & Pl011.FR_TXFE);
    }

    @Test
    void transmitInterruptLatchesPerWriteAndIcrClearsIt() {
        write(IMSC, Pl011.INT_TX);
        assertFalse(irqs.level(33));
        write(DR, 'x');
        assertEquals(Pl011.INT_TX, read(RIS));
        assertEquals(Pl011.INT_TX, read(MIS));
        assertTrue(irqs.level(33));
        write(ICR, Pl011.INT_TX);
        assertEquals(0, read(RIS));
        assertFalse(irqs.level(33));
    }

    @Test
    void maskedStatusIsRawStatusAndMask() {
        write(DR, 'x');
        assertEquals(Pl011.INT_TX, read(RIS));
        assertEquals(0, read(MIS));
        assertFalse(irqs.level(33));
    }

    @Test
    void receiveFifoFillsToSixteenAndDrainsInOrder() {
        write(LCR_H, Pl011.LCR_H_FEN | 0x60);
        push("abcdefghijklmnopqrst");
        assertEquals(Pl011.FR_RXFF, read(FR) & (Pl011.FR_RXFF | Pl011.FR_RXFE));
        assertEquals(4, in.available());
        StringBuilder s = new StringBuilder();
        while ((read(FR) & Pl011.FR_RXFE) == 0) {
            s.append((char) read(DR));
        }
        assertEquals("abcdefghijklmnopqrst", s.toString());
        assertEquals(0, read(DR), "an empty FIFO reads 0");
    }

    @Test
    void withoutFifoOneByteIsHeld() {
        push("abc");
        assertEquals(Pl011.FR_RXFF, read(FR) & (Pl011.FR_RXFF | Pl011.FR_RXFE));
        assertEquals(Pl011.INT_RX, read(RIS));
        assertEquals('a', read(DR));
        assertEquals(2 - 1, in.available());
    }

    @Test
    void receiveInterruptFollowsTheTriggerLevelAndTimeoutCoversTheRest() {
        write(LCR_H, Pl011.LCR_H_FEN);
        write(IMSC, Pl011.INT_RX | Pl011.INT_RT);
        push("abc");
        assertEquals(Pl011.INT_RT, read(RIS), "3 bytes, below the reset trigger of 8");
        assertTrue(irqs.level(33));
        push("defgh");
        assertEquals(Pl011.INT_RX, read(RIS));
        read(DR);
        assertEquals(Pl011.INT_RT, read(RIS));
        write(IFLS, 0); // RX trigger 1/8 = 2 bytes
        assertEquals(Pl011.INT_RX, read(RIS));
        write(IFLS, 4 << 3); // 7/8 = 14
        assertEquals(Pl011.INT_RT, read(RIS));
        for (int i = 0; i < 7; i++) {
            read(DR);
        }
        assertEquals(0, read(RIS));
        assertFalse(irqs.level(33));
    }

    @Test
    void loopbackSendsDataToTheReceiverAndModemOutputsToTheFlags() {
        write(CR, Pl011.CR_UARTEN | Pl011.CR_TXE | Pl011.CR_RXE | Pl011.CR_LBE);
        assertEquals(Pl011.INT_CTS | Pl011.INT_DSR | Pl011.INT_DCD, read(RIS), "the lines dropped in loopback");
        write(ICR, Pl011.INT_ALL);
        write(DR, 'q');
        assertEquals(0, out.size());
        assertEquals('q', read(DR));
        write(CR, Pl011.CR_LBE | Pl011.CR_RTS);
        assertEquals(Pl011.FR_CTS, read(FR) & 0x10F);
        write(CR, Pl011.CR_LBE | Pl011.CR_DTR);
        assertEquals(Pl011.FR_DSR, read(FR) & 0x10F);
        write(CR, Pl011.CR_LBE | Pl011.CR_OUT1);
        assertEquals(Pl011.FR_DCD, read(FR) & 0x10F);
        write(CR, Pl011.CR_LBE | Pl011.CR_OUT2);
        assertEquals(Pl011.FR_RI, read(FR) & 0x10F);
        assertEquals(Pl011.INT_TX | Pl011.INT_CTS | Pl011.INT_DSR | Pl011.INT_DCD | Pl011.INT_RI, read(RIS));
    }

    @Test
    void loopbackOverrunFlagsDataRsrAndRisUntilCleared() {
        write(CR, Pl011.CR_LBE | Pl011.CR_TXE | Pl011.CR_RXE | Pl011.CR_UARTEN);
        write(DR, 1);
        write(DR, 2);
        assertEquals(Pl011.RSR_OE, read(RSR_ECR));
        assertEquals(Pl011.INT_OE, read(RIS) & Pl011.INT_OE);
        assertEquals(1 | Pl011.DR_OE, read(DR));
        write(RSR_ECR, 0);
        assertEquals(0, read(RSR_ECR));
        write(ICR, Pl011.INT_OE);
        assertEquals(0, read(RIS) & Pl011.INT_OE);
    }

    @Test
    void inputWaitsInTheSourceDuringLoopback() {
        write(CR, Pl011.CR_LBE);
        push("z");
        assertEquals(Pl011.FR_RXFE, read(FR) & Pl011.FR_RXFE);
        write(CR, 0x301);
        assertEquals('z', read(DR));
    }

    @Test
    void unalignedReservedAndPastWindowOffsetsReadZero() {
        Pl011 big = new Pl011("big", BASE, 0x2000, out, SerialSource.none(), InterruptLine.disconnected());
        assertEquals(0, big.handleRead(BASE + CR + 1, AccessWidth.BYTE, ctx));
        assertEquals(0, big.handleRead(BASE + 0x008, AccessWidth.DWORD, ctx));
        assertEquals(0, big.handleRead(BASE + 0x1000, AccessWidth.DWORD, ctx));
        assertEquals(0, big.handleRead(BASE + 0x1FE0, AccessWidth.DWORD, ctx));
        big.handleWrite(BASE + CR + 2, AccessWidth.WORD, 0, ctx);
        assertEquals(0x300, big.handleRead(BASE + CR, AccessWidth.WORD, ctx));
    }

    @Test
    void everyWidthAtAnAlignedOffsetReadsTheRegister() {
        for (AccessWidth w : AccessWidth.values()) {
            assertEquals(0x300 & w.mask(), uart.handleRead(BASE + CR, w, ctx) & w.mask(), w.toString());
        }
        uart.handleWrite(BASE + DR, AccessWidth.BYTE, 'b', ctx);
        uart.handleWrite(BASE + DR, AccessWidth.WORD, 'w', ctx);
        assertEquals("bw", out.text());
    }

    @Test
    void windowsSmallerThanFourKibibytesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Pl011("tiny", BASE, 0x100, out, SerialSource.none(), InterruptLine.disconnected()));
        assertTrue(e.getMessage().contains("tiny") && e.getMessage().contains("0x100"), e.getMessage());
    }

    @Test
    void resetRestoresRegisters() {
        write(CR, 0xFF87);
        write(IMSC, 0x7FF);
        write(DR, 'x');
        uart.reset();
        assertEquals(0x300, read(CR));
        assertEquals(0, read(IMSC));
        assertEquals(0, read(RIS));
        assertFalse(irqs.level(33));
    }
}
