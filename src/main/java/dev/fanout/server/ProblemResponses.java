package dev.fanout.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

/// The one place where request-level failures become responses: `ProblemException` →
/// `application/problem+json` with its status and code; anything else is a bug → a `500` whose
/// body says nothing of the exception (it is logged instead). No response carries a stack trace.
final class ProblemResponses {
    private static final System.Logger LOG = System.getLogger(ProblemResponses.class.getName());
    // Jackson's shared bounded pool, not its per-thread default: a connection's virtual thread
    // kept its own buffers (~12 KB) for as long as the connection stayed open.
    private static final JsonFactory JSON = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
    /// Seconds an overloaded client should wait before retrying.
    static final String RETRY_AFTER_SECONDS = "1";

    private ProblemResponses() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ProblemException.class, (req, res, problem) -> send(res, problem));
        // Helidon 4.5 hands its own failures (no route: NotFoundException) to the error handlers.
        routing.error(HttpException.class, (req, res, e) -> send(res, ProblemException.ofHttp(e.status().code(),
                e.status().reasonPhrase(), req.prologue().method().text(), req.path().path())));
        routing.error(Exception.class, (req, res, e) -> {
            LOG.log(Level.ERROR, "unexpected failure on " + req.prologue().method() + " " + req.path().path(), e);
            send(res, ProblemException.internal());
        });
    }

    /// Helidon's answers to requests it refuses before any route runs (a `Content-Length` that is
    /// not a number, bad percent-encoding in the path or query, a head too large): problem+json
    /// like every other request-level error, where Helidon's own have an empty body. The detail is
    /// the status's, never Helidon's message, which may echo the request back.
    static DirectHandlers directHandlers() {
        DirectHandler problem = (request, eventType, status, headers, message) ->
                DirectHandler.TransportResponse.builder()
                        .status(status)
                        .headers(headers)
                        .header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                        .entity(body(ProblemException.ofHttp(status.code(), status.reasonPhrase(), request.method(),
                                request.path())))
                        .build();
        var handlers = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            handlers.addHandler(type, problem);
        }
        return handlers.build();
    }

    static void send(ServerResponse res, ProblemException problem) {
        if (res.isSent()) {
            return;
        }
        res.status(Status.create(problem.status()));
        res.header(HeaderNames.CONTENT_TYPE, "application/problem+json");
        if (problem.status() == 503) {
            res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        if (problem.closesConnection()) {
            // ConnectionCloser.closeWhenAsked closes it once this is sent.
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        res.send(body(problem));
    }

    static byte[] body(ProblemException problem) {
        var out = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("type", "about:blank");
            gen.writeNumberField("status", problem.status());
            gen.writeStringField("title", problem.title());
            gen.writeStringField("code", problem.code());
            gen.writeStringField("detail", problem.detail());
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
