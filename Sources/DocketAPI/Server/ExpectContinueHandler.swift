import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Answers `Expect: 100-continue` when the route is ready for the body,
/// not before: curl sends it with every body over 1 MiB and, unanswered,
/// waits a second before sending anyway. A route that refuses first (a bad
/// token, a used upload) answers with its final status and the client need
/// not send the body at all. The route asks through `APIContext.continueBody()`,
/// an outbound user event that this handler turns into the interim head.
final class ExpectContinueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The route wants the body.
    struct Proceed: Sendable {}

    /// A request head asked for 100 and neither the answer nor its body has gone by.
    private var expecting = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            expecting = head.headerFields[.expect]?.lowercased() == "100-continue"
        case .body, .end:
            expecting = false  // the client did not wait
        }
        context.fireChannelRead(data)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is Proceed else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if expecting {
            expecting = false
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        promise?.succeed()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // A final answer sent without asking for the body: no 100 after it.
        if case .head = unwrapOutboundIn(data) { expecting = false }
        context.write(data, promise: promise)
    }
}
