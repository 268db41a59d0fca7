import NIOCore

/// Lets a connection read up to 1 MiB per socket read instead of NIO's
/// default 64 KiB, so a 100 MB upload body arrives in ~100 chunks rather
/// than ~1,600, each of which costs a hand-off from the event loop to the
/// route's task. Small requests are unaffected: the allocator adapts down.
final class LargeReadsHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    func handlerAdded(context: ChannelHandlerContext) {
        let allocator = AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 << 10, maximum: 1 << 20)
        context.channel.setOption(ChannelOptions.recvAllocator, value: allocator).whenFailure { _ in }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
