package io.conclave.node.sql;

import io.conclave.driver.SqlProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The first handler of every accepted connection on the node's port. It waits for the first four
 * bytes: {@code CSQL} hands the connection to the SQL service (the node's frame handlers behind
 * this one are removed); anything else removes only this handler, and the bytes it held flow on
 * to the node pipeline unchanged. A connection that sends fewer than four bytes is closed by the
 * node pipeline's idle timeout, which stays in place until the decision.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {
    static final String NAME = "sql-sniffer";

    private final SqlServer server;

    ProtocolSniffer(SqlServer server) {
        this.server = server;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < SqlProtocol.MAGIC.length) return;
        byte[] first = new byte[SqlProtocol.MAGIC.length];
        in.getBytes(in.readerIndex(), first);
        ChannelPipeline pipeline = ctx.pipeline();
        if (SqlProtocol.isMagic(first)) {
            in.skipBytes(first.length);
            List<String> behind = new ArrayList<>();
            boolean after = false;
            for (String name : pipeline.names()) {
                if (after && pipeline.get(name) != null) behind.add(name);
                if (name.equals(ctx.name())) after = true;
            }
            for (String name : behind) pipeline.remove(name);
            server.installSqlPipeline(ctx.channel());
        }
        // Either way this handler's job is done; removing it passes what it buffered (the
        // version byte and any frames, or a node frame) to the handlers now behind it.
        pipeline.remove(this);
    }
}
