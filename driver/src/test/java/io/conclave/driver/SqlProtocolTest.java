package io.conclave.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.driver.proto.ClientMessage;
import io.conclave.driver.proto.Execute;
import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.Row;
import io.conclave.driver.proto.ServerMessage;
import io.conclave.driver.proto.SqlValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SqlProtocolTest {
    @Test
    void framesRoundTrip() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ClientMessage m = ClientMessage.newBuilder().setExecute(Execute.newBuilder().setSql("select 1")).build();
        SqlProtocol.writeFrame(out, m, 1024);
        ServerMessage r = ServerMessage.newBuilder().setResult(Result.newBuilder().setTag("SELECT 1")
                .addRows(Row.newBuilder().addValues(SqlValue.newBuilder().setNull(true)))).build();
        SqlProtocol.writeFrame(out, r, 1024);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(m, ClientMessage.parseFrom(SqlProtocol.readFrame(in, 1024)));
        assertEquals(r, ServerMessage.parseFrom(SqlProtocol.readFrame(in, 1024)));
        assertThrows(EOFException.class, () -> SqlProtocol.readFrame(in, 1024));
    }

    @Test
    void oversizedFramesAreRefusedBeforeAllocating() throws Exception {
        byte[] huge = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
        assertThrows(SqlProtocol.ProtocolException.class,
                () -> SqlProtocol.readFrame(new ByteArrayInputStream(huge), 1 << 20));
        byte[] negative = ByteBuffer.allocate(4).putInt(-1).array();
        assertThrows(SqlProtocol.ProtocolException.class,
                () -> SqlProtocol.readFrame(new ByteArrayInputStream(negative), 1 << 20));
        ClientMessage big = ClientMessage.newBuilder().setExecute(Execute.newBuilder().setSql("x".repeat(2000))).build();
        assertThrows(SqlProtocol.ProtocolException.class,
                () -> SqlProtocol.writeFrame(new ByteArrayOutputStream(), big, 1024));
    }

    @Test
    void truncatedFrameIsEndOfStream() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SqlProtocol.writeFrame(out, ClientMessage.newBuilder().setExecute(Execute.newBuilder().setSql("select 1")).build(), 1024);
        byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() - 2);
        assertThrows(EOFException.class, () -> SqlProtocol.readFrame(new ByteArrayInputStream(cut), 1024));
    }

    @Test
    void preambleIsMagicThenVersionAndMagicIsAboveAnyInternalFrameLimit() {
        byte[] p = SqlProtocol.preamble();
        assertArrayEquals(new byte[] {'C', 'S', 'Q', 'L', SqlProtocol.VERSION}, p);
        assertTrue(SqlProtocol.isMagic(p));
        // Read as a node frame's length prefix, the magic is over a gigabyte.
        assertTrue(ByteBuffer.wrap(p, 0, 4).getInt() > (1 << 30));
    }

    @Test
    void randomMessagesRoundTrip() throws Exception {
        long seed = 0x5eedL;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            Row.Builder row = Row.newBuilder();
            for (int j = random.nextInt(8); j > 0; j--) {
                row.addValues(switch (random.nextInt(4)) {
                    case 0 -> SqlValue.newBuilder().setIntValue(random.nextLong());
                    case 1 -> SqlValue.newBuilder().setFloatValue(random.nextDouble());
                    case 2 -> SqlValue.newBuilder().setStringValue("s" + random.nextInt());
                    default -> SqlValue.newBuilder().setNull(true);
                });
            }
            ServerMessage m = ServerMessage.newBuilder().setResult(Result.newBuilder().addRows(row)).build();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SqlProtocol.writeFrame(out, m, 1 << 16);
            assertEquals(m, ServerMessage.parseFrom(SqlProtocol.readFrame(new ByteArrayInputStream(out.toByteArray()), 1 << 16)),
                    "seed " + seed + " message " + i);
        }
    }
}
