package io.conclave.node.transport;

import io.conclave.clock.proto.TimestampProto;

/** The clock of {@link FrameClock#none()}; an enum so its one instance is no static mutable state. */
enum NoFrameClock implements FrameClock {
    INSTANCE;

    @Override
    public TimestampProto now() {
        return TimestampProto.getDefaultInstance();
    }

    @Override
    public void observe(long fromNodeId, TimestampProto remote) {}
}
