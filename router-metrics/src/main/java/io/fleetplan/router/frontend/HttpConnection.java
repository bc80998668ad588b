package io.fleetplan.router.frontend;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.ByteBufUtil;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderNames;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpHeaderValues;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpRequest;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpResponseStatus;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpUtil;
import io.grpc.netty.shaded.io.netty.handler.codec.http.HttpVersion;
import io.grpc.netty.shaded.io.netty.handler.codec.http.LastHttpContent;
import io.grpc.netty.shaded.io.netty.handler.codec.http.QueryStringDecoder;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One client connection behind Netty's HTTP/1.1 codec: collects each request's body (up to the limit; a larger
 * body is read to its end and dropped, so the client gets its 413 on a connection still in sync), then hands the
 * request to the dispatcher. Requests are answered one at a time in arrival order: a pipelined request waits,
 * with reading paused, until the one before it has been answered. Runs on the channel's event loop.
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {

    private final int bodyLimit;
    private final Consumer<Exchange> dispatch;
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private HttpRequest head;
    private ByteBuf body;
    private boolean tooLarge;
    private Exchange current;
    private Channel channel;

    /**
     * @param bodyLimit largest accepted body in bytes; a larger one reaches the dispatcher as an exchange whose
     *                  {@code body} is null
     * @param dispatch  takes each complete request; must not block the event loop
     */
    HttpConnection(int bodyLimit, Consumer<Exchange> dispatch) {
        this.bodyLimit = bodyLimit;
        this.dispatch = dispatch;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                if (req.decoderResult().isFailure()) {
                    malformed(ctx, req.decoderResult().cause());
                    return;
                }
                head = req;
                tooLarge = HttpUtil.getContentLength(req, -1L) > bodyLimit;
                body = tooLarge ? null : ctx.alloc().heapBuffer();
                if (!tooLarge && HttpUtil.is100ContinueExpected(req)) {
                    ctx.writeAndFlush(new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.CONTINUE,
                            Unpooled.EMPTY_BUFFER));
                }
            }
            if (msg instanceof HttpContent c && head != null) {
                if (c.decoderResult().isFailure()) {
                    malformed(ctx, c.decoderResult().cause());
                    return;
                }
                if (!tooLarge) {
                    if (body.readableBytes() + c.content().readableBytes() > bodyLimit) {
                        tooLarge = true;
                        body.release();
                        body = null;
                    } else {
                        body.writeBytes(c.content());
                    }
                }
                if (c instanceof LastHttpContent) {
                    complete(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void complete(ChannelHandlerContext ctx) {
        byte[] bytes = null;
        if (body != null) {
            bytes = ByteBufUtil.getBytes(body);
            body.release();
            body = null;
        }
        HttpRequest req = head;
        head = null;
        Exchange ex = new Exchange(ctx.channel(), req.method().name(), new QueryStringDecoder(req.uri()).path(),
                bytes, req.protocolVersion(), HttpUtil.isKeepAlive(req), this::next);
        if (current == null) {
            start(ex);
        } else {
            waiting.add(ex);
            channel.config().setAutoRead(false);
        }
    }

    private void start(Exchange ex) {
        current = ex;
        dispatch.accept(ex);
    }

    /** The current response is written: answer the next waiting request, or read again. */
    private void next() {
        current = null;
        Exchange ex = waiting.poll();
        if (ex != null) {
            start(ex);
        }
        if (waiting.isEmpty()) {
            // reading may have been paused for pipelined requests
            channel.config().setAutoRead(true);
        }
    }

    /** A request the codec could not parse: answer 400 and close, the connection is out of sync. */
    private void malformed(ChannelHandlerContext ctx, Throwable cause) {
        ApiError e = ApiError.invalid(null, "Malformed HTTP request: " + cause.getMessage());
        byte[] bytes = OpenAiJson.error(e).getBytes(StandardCharsets.UTF_8);
        DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (body != null) {
            body.release();
            body = null;
        }
        if (current != null) {
            current.markGone();
        }
        waiting.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // connection reset and the like: the client is gone; channelInactive cancels its request
        ctx.close();
    }
}
