package org.gse.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.gse.model.PickleReader.PickleException;
import org.gse.model.PickleReader.Tuple;
import org.junit.jupiter.api.Test;

/** Plain Python values, pickled by CPython 3.11 (the hex below), read back. */
class PickleReaderTest {

    // obj = {'neg': -5, 'big': -2**70, 'i2': 40000, 'f': -1.5, 't3': (1, 'two', None), 'l': [True, False, 7],
    //        'u': 'ünï', 'od': collections.OrderedDict([('a', 1)])}; obj['same'] = obj['t3']
    // pickle.dumps(obj, protocol=2).hex()
    private static final String PROTOCOL_2 = "80027d71002858030000006e656771014afbffffff580300000062696771028a0900000000"
            + "00000000c05802000000693271034d409c580100000066710447bff80000000000005802000000743371054b0158030000007477"
            + "6f71064e87710758010000006c71085d71092888894b0765580100000075710a5805000000c3bc6ec3af710b58020000006f6471"
            + "0c63636f6c6c656374696f6e730a4f726465726564446963740a710d2952710e580100000061710f4b0173580400000073616d65"
            + "71106807752e";

    // The same with 'l': [True, False, b'\x00\x01'], pickle.dumps(obj, protocol=4).hex(): FRAME, MEMOIZE,
    // SHORT_BINUNICODE, SHORT_BINBYTES, STACK_GLOBAL.
    private static final String PROTOCOL_4 = "80049597000000000000007d94288c036e6567944afbffffff8c03626967948a09000000"
            + "0000000000c08c026932944d409c8c01669447bff80000000000008c027433944b018c0374776f944e87948c016c945d94288889"
            + "4302000194658c0175948c05c3bc6ec3af948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949"
            + "3942952948c0161944b01738c0473616d65946807752e";

    @Test
    void protocol2Values() {
        Map<?, ?> map = assertInstanceOf(Map.class, PickleReader.load(HexFormat.of().parseHex(PROTOCOL_2)));
        checkCommon(map);
        assertEquals(List.of(true, false, 7L), map.get("l"));
    }

    @Test
    void protocol4Values() {
        Map<?, ?> map = assertInstanceOf(Map.class, PickleReader.load(HexFormat.of().parseHex(PROTOCOL_4)));
        checkCommon(map);
        List<?> list = assertInstanceOf(List.class, map.get("l"));
        assertEquals(List.of(true, false), list.subList(0, 2));
        assertArrayEquals(new byte[] {0, 1}, (byte[]) list.get(2));
    }

    private static void checkCommon(Map<?, ?> map) {
        assertEquals(List.of("neg", "big", "i2", "f", "t3", "l", "u", "od", "same"), List.copyOf(map.keySet()));
        assertEquals(-5L, map.get("neg"));
        assertEquals(BigInteger.TWO.pow(70).negate(), map.get("big"));
        assertEquals(40000L, map.get("i2"));
        assertEquals(-1.5, map.get("f"));
        assertEquals(new Tuple(java.util.Arrays.asList(1L, "two", null)), map.get("t3"));
        assertSame(map.get("t3"), map.get("same"), "memo returns the same object");
        assertEquals("ünï", map.get("u"));
        assertEquals(Map.of("a", 1L), map.get("od"));
    }

    @Test
    void malformedPicklesAreErrorsNotCrashes() {
        for (String hex : List.of("", "8002", "80027d", "800228", "80024b", "8002ff2e", "8002682a2e", "800258ffffff7f",
                "80022e")) {
            PickleException error = assertThrows(PickleException.class,
                    () -> PickleReader.load(HexFormat.of().parseHex(hex)), hex);
            assertTrue(!error.getMessage().isBlank(), hex);
        }
    }
}
