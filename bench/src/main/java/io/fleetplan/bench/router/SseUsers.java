package io.fleetplan.bench.router;

import io.fleetplan.router.net.IoLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * The bench's streaming users: each keeps one HTTP/1.1 connection and sends the same SSE chat request again as
 * soon as the previous stream ended, as OpenAI clients reuse theirs. They run on one Netty event loop of their
 * own, so the load generator costs little CPU on a small machine and every SSE event is stamped the moment its
 * bytes are read. Each token's arrival is compared with the time the bench worker sent it.
 */
final class SseUsers implements AutoCloseable {

    /** What the users measured. */
    static final class Stats {
        final Histogram token;
        final Histogram path;
        final Histogram ttftAdded;
        final AtomicBoolean recording = new AtomicBoolean();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong tokens = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        /** Tokens later than {@link #LATE_NANOS}, by second of the measured window. */
        final AtomicLongArray lateBySecond = new AtomicLongArray(600);
        /** When the window began: second 0 of {@link #lateBySecond}. */
        volatile long recordingSince;

        /** The added-latency target per token: the bench counts, per second, the tokens that missed it. */
        static final long LATE_NANOS = 2_000_000;

        /**
         * Forgets what was recorded so far and starts the window now. Recording is on through the warm-up too, so
         * the recording path is compiled and profiled before the window opens rather than taken for the first
         * time in it. Runs on the client's loop, the only thread that records, between two of its events.
         */
        void restart() {
            token.reset();
            path.reset();
            ttftAdded.reset();
            requests.set(0);
            tokens.set(0);
            for (int i = 0; i < lateBySecond.length(); i++) {
                lateBySecond.set(i, 0);
            }
            recordingSince = System.nanoTime();
            recording.set(true);
        }

        void late(long now) {
            int second =
                    (int) Math.min(lateBySecond.length() - 1, Math.max(0, (now - recordingSince) / 1_000_000_000L));
            lateBySecond.incrementAndGet(second);
        }

        Stats(Histogram token, Histogram path, Histogram ttftAdded) {
            this.token = token;
            this.path = path;
            this.ttftAdded = ttftAdded;
        }
    }

    private static final ByteBuf EVENT_END = ascii("\n\n");
    private static final ByteBuf DONE = ascii("data: [DONE]");
    private static final ByteBuf DATA = ascii("data: {");
    private static final ByteBuf CONTENT = ascii("\"content\":\"");

    private final IoLoops loops = new IoLoops("bench-client-io", 1);
    private final Bootstrap bootstrap;
    private final ByteBuf body;
    private final String path;
    private final String host;
    private final Map<String, BenchWorker> workers;
    private final Stats stats;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch stopped;

    SseUsers(
            String host,
            int port,
            String path,
            byte[] body,
            Map<String, BenchWorker> workers,
            Stats stats,
            int users,
            long staggerMs) {
        this.path = path;
        this.host = host + ":" + port;
        this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(body));
        this.workers = workers;
        this.stats = stats;
        this.stopped = new CountDownLatch(users);
        this.bootstrap = new Bootstrap()
                .group(loops.group)
                .channel(loops.clientChannel)
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(host, port)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new User());
                    }
                });
        Random stagger = new Random(users);
        for (int u = 0; u < users; u++) {
            // independent users: first requests spread over one whole stream. Every stream is as long as the next
            // (max_tokens at a fixed ITL) and a user asks again when its stream ends, so users started within one
            // token interval would end and restart together every stream, all their request work in one burst
            loops.group.schedule(this::connect, stagger.nextLong(Math.max(1, staggerMs)), TimeUnit.MILLISECONDS);
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
    }

    private void connect() {
        if (!running.get()) {
            stopped.countDown();
            return;
        }
        bootstrap.connect().addListener(f -> {
            if (!f.isSuccess()) {
                error(f.cause());
                loops.group.schedule(this::connect, 10, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void error(Throwable cause) {
        if (stats.errors.incrementAndGet() <= 3) {
            System.err.println("stream error: " + cause);
        }
    }

    /** Lets every stream in flight finish, then stops; true when all stopped within the timeout. */
    /** Starts the measured window: clears the stats on the users' loop, between two of its events. */
    void startWindow() throws Exception {
        loops.group.submit(stats::restart).get(10, TimeUnit.SECONDS);
    }

    boolean stop(long timeoutMs) throws InterruptedException {
        running.set(false);
        return stopped.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        running.set(false);
        loops.close();
    }

    private BenchWorker.Trace find(String requestId) {
        for (BenchWorker w : workers.values()) {
            BenchWorker.Trace t = w.traces.get(requestId);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** One user on one connection; a broken connection is counted and replaced by a new one. */
    private final class User extends ChannelInboundHandlerAdapter {
        /** Bytes of an SSE event not yet complete (events are parsed in place, without a String per token). */
        private ByteBuf pending;

        private long sentNanos;
        private String requestId;
        private BenchWorker.Trace trace;
        private int index;
        private boolean sawDone;
        private boolean failed;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            send(ctx);
        }

        private void send(ChannelHandlerContext ctx) {
            if (!running.get()) {
                stopped.countDown();
                ctx.close();
                return;
            }
            if (pending != null) {
                pending.clear();
            }
            requestId = null;
            trace = null;
            index = 0;
            sawDone = false;
            FullHttpRequest req =
                    new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, body.duplicate());
            req.headers()
                    .set(HttpHeaderNames.HOST, host)
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            sentNanos = System.nanoTime();
            ctx.writeAndFlush(req);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long now = System.nanoTime();
            try {
                if (msg instanceof HttpResponse r && r.status().code() != 200) {
                    throw new IllegalStateException("status " + r.status());
                }
                if (msg instanceof HttpContent c) {
                    if (pending == null) {
                        pending = ctx.alloc().heapBuffer(1024);
                    }
                    pending.writeBytes(c.content());
                    events(now);
                    if (c instanceof LastHttpContent) {
                        if (!sawDone) {
                            throw new IllegalStateException("stream ended without [DONE]");
                        }
                        if (stats.recording.get()) {
                            stats.requests.incrementAndGet();
                        }
                        if (requestId != null) {
                            for (BenchWorker w : workers.values()) {
                                w.traces.remove(requestId);
                            }
                        }
                        send(ctx);
                    }
                }
            } catch (RuntimeException e) {
                fail(ctx, e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** Handles every complete SSE event in the buffer. */
        private void events(long now) {
            int end;
            while ((end = ByteBufUtil.indexOf(EVENT_END, pending)) >= 0) {
                int start = pending.readerIndex();
                if (startsWith(start, DONE)) {
                    sawDone = true;
                } else if (startsWith(start, DATA)
                        && ByteBufUtil.indexOf(CONTENT, pending.slice(start, end - start)) >= 0) {
                    token(now, start, end);
                }
                pending.readerIndex(end + EVENT_END.readableBytes());
            }
            pending.discardReadBytes();
        }

        private boolean startsWith(int at, ByteBuf prefix) {
            int n = prefix.readableBytes();
            return pending.writerIndex() - at >= n && ByteBufUtil.equals(pending, at, prefix, 0, n);
        }

        private void token(long now, int start, int end) {
            if (requestId == null) {
                String event = pending.toString(start, end - start, StandardCharsets.UTF_8);
                int at = event.indexOf("\"id\":\"") + 6;
                requestId = event.substring(at, event.indexOf('"', at));
                trace = find(requestId);
            }
            // tokens count while the window is open, whichever request they belong to: after it closes the bench
            // takes its CPU and thread snapshots and the users start closing connections, which is not serving
            if (trace != null && stats.recording.get() && index < trace.sentNanos().length) {
                long sentAt = trace.sentNanos()[index];
                long added = Math.max(0, now - sentAt);
                stats.token.recordValue(added);
                if (added > Stats.LATE_NANOS) {
                    stats.late(now);
                }
                if (index == 0) {
                    long requestPath = Math.max(0, trace.arrivedNanos() - sentNanos);
                    stats.path.recordValue(requestPath);
                    stats.ttftAdded.recordValue(requestPath + Math.max(0, now - sentAt));
                }
                stats.tokens.incrementAndGet();
            }
            index++;
        }

        private void fail(ChannelHandlerContext ctx, Throwable e) {
            if (!failed) {
                failed = true;
                error(e);
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (pending != null) {
                pending.release();
                pending = null;
            }
            if (!failed && running.get()) {
                // the server closed a connection mid-stream or between streams
                fail(ctx, new IllegalStateException("connection closed by the server"));
            }
            if (failed) {
                connect();
            }
        }
    }
}
