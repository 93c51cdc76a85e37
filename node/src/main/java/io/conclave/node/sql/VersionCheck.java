package io.conclave.node.sql;

import io.conclave.driver.SqlProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/** Reads the preamble's version byte; an unknown version is answered with 08P01 and closed. */
final class VersionCheck extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) return;
        byte version = in.readByte();
        if (version != SqlProtocol.VERSION) {
            SqlSessionHandler.replyAndClose(ctx.channel(), "08P01", "this node speaks SQL protocol version "
                    + SqlProtocol.VERSION + ", the client sent version " + version);
            in.skipBytes(in.readableBytes());
            return;
        }
        ctx.pipeline().remove(this);
    }
}
