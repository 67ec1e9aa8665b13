package io.synguard.packet;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The checksum against worked examples, so that the frame tests may check frames with it. */
class ChecksumTest {
    private static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    @Test
    void theExampleOfRfc1071() {
        byte[] words = hex("0001 f203 f4f5 f6f7");
        assertEquals(0xddf2, Checksum.sum(words));
        assertEquals(0x220d, Checksum.of(words, 0, words.length, 0));
    }

    @Test
    void anIpv4HeaderAndItsChecksum() {
        byte[] header = hex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
        assertEquals(0xb861, Checksum.of(header, 0, header.length, 0));
        header[10] = (byte) 0xb8;
        header[11] = 0x61;
        assertEquals(0, Checksum.of(header, 0, header.length, 0), "a header that holds its checksum");
        assertEquals(0xffff, Checksum.sum(header));
    }

    @Test
    void anOddLastByteIsPaddedAndARangeIsThatRangeOnly() {
        assertEquals(0x0100, Checksum.sum(hex("01")));
        assertEquals(0x01f2, Checksum.sum(hex("0001 f203"), 1, 3, 0));
        assertEquals(0x01f3, Checksum.sum(hex("0001 f203"), 1, 3, 1));
        assertEquals(0xf200, Checksum.sum(hex("0001 f203"), 2, 3, 0));
    }

    @Test
    void carriesAreAddedBackIn() {
        assertEquals(0x0001, Checksum.fold(0x1ffff));
        assertEquals(0xffff, Checksum.fold(0xffff));
        assertEquals(0x0003, Checksum.sum(hex("ffff ffff ffff 0003")), "0xffff is ones'-complement zero");
        assertEquals(0xffff, Checksum.sum(hex("ffff"), 0, 2, 0));
    }
}
