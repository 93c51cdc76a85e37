package io.conclave.driver;

import com.google.protobuf.MessageLite;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The wire format of the SQL client protocol, shared by the driver and the node: a preamble of
 * the four bytes {@code CSQL} and a version byte, then frames of a 4-byte big-endian length and a
 * protobuf message ({@code ClientMessage} one way, {@code ServerMessage} the other).
 *
 * <p>The magic doubles as a protocol switch on the node's one listen port: read as a node-to-node
 * frame length it is 1,129,532,748 bytes, far above any internal frame limit, so a node can tell
 * a SQL client from a peer by its first four bytes without ambiguity.
 */
public final class SqlProtocol {
    /** The first four bytes a SQL client sends. */
    public static final byte[] MAGIC = "CSQL".getBytes(StandardCharsets.US_ASCII);
    /** The protocol version this driver speaks; a node refuses others with 08P01. */
    public static final byte VERSION = 1;
    /** Bytes of the frame length prefix. */
    public static final int LENGTH_BYTES = 4;
    /**
     * The largest frame either side accepts by default: a statement of up to 1 MiB (the engine's
     * statement limit) with room to spare, and result pages of bounded size. A larger frame is a
     * protocol error, not an allocation of whatever length a peer claims.
     */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;

    private SqlProtocol() {}

    /** The preamble a client writes first: magic then version. */
    public static byte[] preamble() {
        byte[] p = new byte[MAGIC.length + 1];
        System.arraycopy(MAGIC, 0, p, 0, MAGIC.length);
        p[MAGIC.length] = VERSION;
        return p;
    }

    /** Whether {@code first4} (at least four bytes) start with the magic. */
    public static boolean isMagic(byte[] first4) {
        if (first4.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) {
            if (first4[i] != MAGIC[i]) return false;
        }
        return true;
    }

    /** Writes one length-prefixed frame; refuses one larger than {@code maxFrameBytes}. */
    public static void writeFrame(OutputStream out, MessageLite message, int maxFrameBytes) throws IOException {
        int size = message.getSerializedSize();
        if (size > maxFrameBytes) {
            throw new ProtocolException("frame of " + size + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
        }
        byte[] buf = new byte[LENGTH_BYTES + size];
        buf[0] = (byte) (size >>> 24);
        buf[1] = (byte) (size >>> 16);
        buf[2] = (byte) (size >>> 8);
        buf[3] = (byte) size;
        message.writeTo(com.google.protobuf.CodedOutputStream.newInstance(buf, LENGTH_BYTES, size));
        out.write(buf);
        out.flush();
    }

    /**
     * Reads one frame's payload. A length above {@code maxFrameBytes} (or negative) is a
     * {@link ProtocolException} before anything is allocated; end of stream mid-frame is an
     * {@link EOFException}.
     */
    public static byte[] readFrame(InputStream in, int maxFrameBytes) throws IOException {
        DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
        int size = data.readInt();
        if (size < 0 || size > maxFrameBytes) {
            throw new ProtocolException("frame of " + Integer.toUnsignedString(size)
                    + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
        }
        byte[] payload = new byte[size];
        data.readFully(payload);
        return payload;
    }

    /** A peer broke the protocol: bad magic or version, an oversized or malformed frame. */
    public static final class ProtocolException extends IOException {
        public ProtocolException(String message) {
            super(message);
        }
    }
}
