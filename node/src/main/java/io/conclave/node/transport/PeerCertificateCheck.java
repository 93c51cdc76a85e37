package io.conclave.node.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Stands between TLS and the frame decoder of a secure channel: the first bytes that reach it
 * (necessarily after the handshake) are let through only if the peer's certificate allows node
 * frames; then it steps aside. A refused connection is closed before any byte is decoded.
 */
final class PeerCertificateCheck extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(PeerCertificateCheck.class.getName());

    private final TransportTls tls;
    private final Counters counters;
    private boolean refused;

    PeerCertificateCheck(TransportTls tls, Counters counters) {
        this.tls = tls;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (refused) {
            ReferenceCountUtil.release(message);
            return;
        }
        String refusal = tls.frameRefusal(ctx.channel());
        if (refusal != null) {
            refused = true;
            ReferenceCountUtil.release(message);
            counters.reject(RejectReason.UNAUTHENTICATED);
            LOG.log(System.Logger.Level.WARNING, "closing connection from {0}: {1}: {2}",
                    ctx.channel().remoteAddress(), RejectReason.UNAUTHENTICATED, refusal);
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(message);
    }
}
