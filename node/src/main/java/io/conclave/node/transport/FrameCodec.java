package io.conclave.node.transport;

import com.google.protobuf.CodedOutputStream;
import io.conclave.node.rpc.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The wire format: a 4-byte big-endian length, then that many bytes of a protobuf {@code Frame}.
 * The length counts only the protobuf bytes; {@link TransportConfig#maxFrameBytes} bounds it.
 */
final class FrameCodec {
    static final int LENGTH_PREFIX_BYTES = 4;
    static final String DECODER = "frame-decoder";
    static final String ENCODER = "frame-encoder";

    private FrameCodec() {}

    /** Adds the decoder and encoder to a pipeline; the caller adds its handler after them. */
    static void install(ChannelPipeline pipeline, int maxFrameBytes, Counters counters) {
        pipeline.addLast(DECODER, new Decoder(maxFrameBytes, counters));
        pipeline.addLast(ENCODER, new Encoder(maxFrameBytes, counters));
    }

    /**
     * Splits the byte stream into frames and parses each. Netty's maximum counts the length field
     * too, hence {@code maxFrameBytes + 4}; fail-fast raises {@code TooLongFrameException} as soon
     * as the length is read, before any of the oversized body is buffered. The length is read
     * unsigned, so a "negative" one is simply too long. Bytes that are not a {@code Frame} raise
     * {@code InvalidProtocolBufferException} (wrapped in a {@code DecoderException}); the
     * connection's handler turns each into a counted, logged close.
     */
    static final class Decoder extends LengthFieldBasedFrameDecoder {
        private final Counters counters;

        Decoder(int maxFrameBytes, Counters counters) {
            super(maxFrameBytes + LENGTH_PREFIX_BYTES, 0, LENGTH_PREFIX_BYTES, 0,
                    LENGTH_PREFIX_BYTES, true);
            this.counters = counters;
        }

        @Override
        protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
            ByteBuf body = (ByteBuf) super.decode(ctx, in);
            if (body == null) {
                return null;
            }
            try {
                int length = body.readableBytes();
                // Parsing copies bytes fields out of the buffer, so releasing it below is safe.
                Frame frame = Frame.parseFrom(body.nioBuffer());
                counters.framesIn.increment();
                counters.bytesIn.add(length + LENGTH_PREFIX_BYTES);
                return frame;
            } finally {
                body.release();
            }
        }
    }

    /** Writes the length and the protobuf bytes into one exactly-sized buffer. */
    static final class Encoder extends MessageToByteEncoder<Frame> {
        private final int maxFrameBytes;
        private final Counters counters;

        Encoder(int maxFrameBytes, Counters counters) {
            super(Frame.class);
            this.maxFrameBytes = maxFrameBytes;
            this.counters = counters;
        }

        @Override
        protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
            return ctx.alloc().ioBuffer(LENGTH_PREFIX_BYTES + frame.getSerializedSize());
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) throws IOException {
            int size = frame.getSerializedSize();
            // Senders check the limit before handing a frame over; this is the last line.
            Invariants.check(size <= maxFrameBytes,
                    "frame of %d bytes passed the %d-byte limit check", size, maxFrameBytes);
            out.writeInt(size);
            ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
            CodedOutputStream coded = CodedOutputStream.newInstance(target);
            frame.writeTo(coded);
            coded.flush();
            coded.checkNoSpaceLeft();
            out.writerIndex(out.writerIndex() + size);
            counters.framesOut.increment();
            counters.bytesOut.add(LENGTH_PREFIX_BYTES + size);
        }
    }
}
