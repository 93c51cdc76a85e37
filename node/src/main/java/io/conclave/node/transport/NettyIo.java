package io.conclave.node.transport;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Picks epoll where the native library loads and NIO elsewhere; the rest of the code is agnostic. */
final class NettyIo {
    private NettyIo() {}

    static MultiThreadIoEventLoopGroup newGroup(int threads, String threadNamePrefix) {
        IoHandlerFactory factory = Epoll.isAvailable()
                ? EpollIoHandler.newFactory()
                : NioIoHandler.newFactory();
        // Daemon threads: a transport someone forgot to close must not keep the JVM alive.
        return new MultiThreadIoEventLoopGroup(threads,
                new DefaultThreadFactory(threadNamePrefix, true), factory);
    }

    static Class<? extends ServerChannel> serverChannelClass() {
        return Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends Channel> socketChannelClass() {
        return Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
