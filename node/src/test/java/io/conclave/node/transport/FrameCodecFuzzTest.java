package io.conclave.node.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.node.rpc.Frame;
import io.conclave.range.rpc.RaftBatch;
import io.conclave.range.rpc.RaftEntry;
import io.conclave.range.rpc.RaftMessage;
import io.conclave.range.rpc.RaftMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs into the frame decoder: it must only ever produce frames or the three
 * expected exceptions, consume every byte it is given, and release every buffer. Reproduce a
 * failure with {@code -Dtransport.fuzz.seed=N}.
 */
class FrameCodecFuzzTest {
    private static final int MAX_FRAME_BYTES = 1024;
    /** Inputs per run; a longer run: {@code -Dfuzz.iterations=N}. */
    private static final int INPUTS = Integer.getInteger("fuzz.iterations", 2_000);

    @Test
    void randomBytesNeverCrashTheDecoder() {
        long seed = Long.getLong("transport.fuzz.seed", 0x5EED_F00DL);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] valid = sampleFrame(random).toByteArray();
        for (int input = 0; input < INPUTS; input++) {
            byte[] bytes = switch (input % 3) {
                case 0 -> randomBytes(random, random.nextInt(0, 64));
                case 1 -> withLength(random.nextInt(0, MAX_FRAME_BYTES + 64),
                        randomBytes(random, random.nextInt(0, 128)));
                default -> mutate(random, withLength(valid.length, valid));
            };
            String where = "seed " + seed + " (-Dtransport.fuzz.seed=" + seed + "), input " + input;
            Outcome outcome = decode(random, bytes, where);
            for (Throwable error : outcome.errors) {
                boolean expected = error instanceof TooLongFrameException
                        || error instanceof CorruptedFrameException
                        || (error instanceof DecoderException
                                && error.getCause() instanceof InvalidProtocolBufferException);
                if (!expected) {
                    fail("unexpected " + error + " at " + where);
                }
            }
        }
    }

    @Test
    void encodedFramesDecodeToThemselvesWhateverTheChunking() {
        long seed = Long.getLong("transport.fuzz.seed", 0xC0DECL);
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            String where = "seed " + seed + " (-Dtransport.fuzz.seed=" + seed + "), round " + round;
            List<Frame> sent = new ArrayList<>();
            EmbeddedChannel encoder = new EmbeddedChannel(
                    new FrameCodec.Encoder(MAX_FRAME_BYTES, new Counters()));
            ByteBuf wire = Unpooled.buffer();
            int count = random.nextInt(1, 6);
            for (int i = 0; i < count; i++) {
                Frame frame = sampleFrame(random);
                sent.add(frame);
                assertTrue(encoder.writeOutbound(frame), where);
                ByteBuf encoded = encoder.readOutbound();
                wire.writeBytes(encoded);
                encoded.release();
            }
            encoder.finishAndReleaseAll();
            byte[] bytes = new byte[wire.readableBytes()];
            wire.readBytes(bytes);
            wire.release();
            Outcome outcome = decode(random, bytes, where);
            assertTrue(outcome.errors.isEmpty(), where + ": " + outcome.errors);
            assertEquals(sent, outcome.frames, where);
        }
    }

    private record Outcome(List<Frame> frames, List<Throwable> errors) {}

    /** Feeds the bytes in random chunks and checks every buffer was released. */
    private static Outcome decode(SplittableRandom random, byte[] bytes, String where) {
        List<Frame> frames = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(
                new FrameCodec.Decoder(MAX_FRAME_BYTES, new Counters()),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        frames.add((Frame) message);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        errors.add(cause);
                    }
                });
        List<ByteBuf> chunks = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length) {
            int length = random.nextInt(1, bytes.length - offset + 1);
            ByteBuf chunk = Unpooled.copiedBuffer(bytes, offset, length);
            chunks.add(chunk);
            channel.writeInbound(chunk);
            offset += length;
        }
        channel.finishAndReleaseAll();
        for (ByteBuf chunk : chunks) {
            assertEquals(0, chunk.refCnt(), "input buffer leaked at " + where);
        }
        return new Outcome(frames, errors);
    }

    private static Frame sampleFrame(SplittableRandom random) {
        RaftMessage.Builder message = RaftMessage.newBuilder()
                .setGroupId(random.nextLong(1, 1000))
                .setType(RaftMessageType.APPEND)
                .setTerm(random.nextLong(1, 100))
                .setIndex(random.nextLong(0, 1_000_000));
        for (int i = random.nextInt(0, 4); i > 0; i--) {
            message.addEntries(RaftEntry.newBuilder().setTerm(1).setIndex(i)
                    .setData(ByteString.copyFrom(randomBytes(random, random.nextInt(0, 100)))));
        }
        return Frame.newBuilder()
                .setRequestId(random.nextInt(0, 3))
                .setFromNode(random.nextLong(0, 10))
                .setSentAt(TimestampProto.newBuilder().setWallNanos(random.nextLong())
                        .setLogical(random.nextInt(0, 10)))
                .setRaft(RaftBatch.newBuilder().addMessages(message))
                .build();
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static byte[] withLength(int length, byte[] body) {
        ByteBuf buf = Unpooled.buffer(4 + body.length);
        buf.writeInt(length);
        buf.writeBytes(body);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    /** Flips, drops or duplicates a few bytes, or truncates. */
    private static byte[] mutate(SplittableRandom random, byte[] original) {
        byte[] bytes = original.clone();
        int edits = random.nextInt(1, 4);
        for (int i = 0; i < edits && bytes.length > 0; i++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, at);
                default -> bytes[at] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return bytes;
    }
}
