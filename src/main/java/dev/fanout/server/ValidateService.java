package dev.fanout.server;

import dev.fanout.csv.StreamErrorCode;
import dev.fanout.engine.EngineOptions;
import dev.fanout.metrics.ValidationMetrics;
import dev.fanout.engine.ExtraColumns;
import dev.fanout.engine.HeaderException;
import dev.fanout.engine.KeyBudget;
import dev.fanout.engine.Lookups;
import dev.fanout.engine.Mode;
import dev.fanout.engine.References;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.ValidationEngine;
import dev.fanout.engine.ValidationRun;
import dev.fanout.schema.ForeignKey;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Lookup;
import dev.fanout.schema.Schema;
import dev.fanout.upstream.UpstreamLookups;
import dev.fanout.upstream.Upstreams;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.concurrent.ThreadFactory;

/// `POST /v1/validate`: a raw `text/csv` body or a `multipart/form-data` body in, NDJSON streamed
/// out through the engine. Request problems (parameters, media type, size, schema, header) are
/// thrown as `ProblemException` before the `200`; after it, failures end the stream with the
/// SPEC's error line. Thread-safe: each request runs on its own virtual thread.
final class ValidateService implements HttpService {
    private static final System.Logger LOG = System.getLogger(ValidateService.class.getName());
    private static final Set<String> PARAMETERS = Set.of("schema", "mode", "summary", "delimiter", "extra", "max-errors");
    /// The answer's type, its bytes made once (Helidon encodes a header's value anew for each
    /// response otherwise).
    private static final Header NDJSON = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/x-ndjson");

    private final SchemaRegistry registry;
    private final ServerSettings settings;
    private final Admission admission;
    private final ValidationEngine engine;
    private final ValidationMetrics metrics;
    private final EngineOptions defaults;

    private final ThreadFactory senders;
    private final Upstreams upstreams;
    private final WriteWatchdog watchdog;
    private final ConnectionCloser connections;
    private final DisconnectDetector disconnects;
    private final UploadReadDeadline uploadDeadline;

    ValidateService(SchemaRegistry registry, ServerSettings settings, Admission admission, ValidationMetrics metrics,
            WorkThreads threads, Upstreams upstreams, WriteWatchdog watchdog, ConnectionCloser connections,
            DisconnectDetector disconnects, UploadReadDeadline uploadDeadline) {
        this.disconnects = disconnects;
        this.uploadDeadline = uploadDeadline;
        this.upstreams = upstreams;
        this.watchdog = watchdog;
        this.connections = connections;
        this.senders = threads.factory("fanout-response");
        this.registry = registry;
        this.settings = settings;
        this.admission = admission;
        this.metrics = metrics;
        // One queue of validation places for every request: see ValidationEngine.sharingWorkers.
        this.engine = ValidationEngine.sharingWorkers(threads.factory("fanout-chunk"), metrics, settings.workers(),
                settings.spareWorkers(), admission.wideRecords());
        // No `withWorkers`: the shared engine ignores a run's own count of places.
        this.defaults = EngineOptions.defaults()
                .withChunkRows(settings.chunkRows())
                .withChunksInFlight(settings.chunksInFlight())
                .withLimits(settings.maxFieldBytes(), settings.maxColumns())
                .withMaxRecordBytes(settings.maxRecordBytes());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/validate", this::validate);
    }

    static Schema registered(SchemaRegistry registry, String name) {
        return registry.find(name)
                .orElseThrow(() -> ProblemException.of(ProblemCode.UNKNOWN_SCHEMA, "no schema is registered as '" + name + "'"));
    }

    private void validate(ServerRequest req, ServerResponse res) {
        var outcome = new Outcome(metrics, System.nanoTime());
        try {
            validate(req, res, outcome);
            outcome.status = 200;
        } catch (ProblemException e) {
            outcome.status = e.status();
            throw e;
        } finally {
            outcome.record();
        }
    }

    /// What the metrics need to know of a request once it is over, recorded once: just before
    /// the last bytes of a streamed answer go out (so that a client that reads `/v1/stats` after
    /// its answer sees it counted), or when the handler ends for every other answer.
    private static final class Outcome {
        private final ValidationMetrics metrics;
        private final long startNanos;
        private final java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
        volatile int status = 500;
        volatile long firstByteNanos;
        volatile long rows = -1;
        /// The code of the error line the answer ended with, if it did.
        volatile Optional<String> streamError = Optional.empty();

        Outcome(ValidationMetrics metrics, long startNanos) {
            this.metrics = metrics;
            this.startNanos = startNanos;
        }

        void record() {
            if (recorded.compareAndSet(false, true)) {
                metrics.requestDone(status, startNanos, firstByteNanos, rows, streamError);
            }
        }
    }

    // "try": the admission permit is held for the request's whole body and given back by the
    // try-with-resources; the body never names it.
    @SuppressWarnings("try")
    private void validate(ServerRequest req, ServerResponse res, Outcome outcome) {
        UriQuery query = req.query();
        Optional<String> plainSchema = plainSchemaName(query.rawValue());
        EngineOptions options = plainSchema.isPresent() ? defaults : options(query);
        Optional<String> schemaName = plainSchema.isPresent() ? plainSchema
                : query.contains("schema") ? Optional.of(query.get("schema")) : Optional.empty();
        String type = mediaType(req.headers().first(HeaderNames.CONTENT_TYPE)
                .orElseThrow(() -> ProblemException.unsupportedMediaType("send text/csv or multipart/form-data (no Content-Type given)")));
        boolean multipart = type.equals("multipart/form-data");
        if (!multipart && !type.equals("text/csv")) {
            throw ProblemException.unsupportedMediaType("send text/csv or multipart/form-data, not " + type);
        }
        long contentLength = contentLength(req);
        if (contentLength < 0 && !req.headers().contains(HeaderNames.TRANSFER_ENCODING)) {
            // Without either, HTTP/1.1 says there is no body; an HTTP/1.0 client may have sent one
            // all the same, and would be told its CSV was empty.
            throw ProblemException.of(ProblemCode.LENGTH_REQUIRED,
                    "send the upload with a Content-Length, or chunked (Transfer-Encoding: chunked)", true);
        }
        if (contentLength > settings.maxUploadBytes()) {
            // The connection is not kept: keeping it would mean reading the whole body through.
            throw ProblemException.of(ProblemCode.UPLOAD_TOO_LARGE,
                    "the upload of " + contentLength + " bytes is over the limit of " + settings.maxUploadBytes() + " bytes", true);
        }
        boolean large = contentLength < 0 || contentLength > settings.largeUploadBytes();
        try (Admission.Permit permit = admission.enter(large, contentLength)) {
            Runnable hangUp = hangUp(req);
            ConnectionCloser.AfterResponse after = connections.afterResponse();
            var body = new UploadStream(req.content().inputStream(), settings.maxUploadBytes(), after::close,
                    uploadDeadline, hangUp);
            // What is left of it is read through after the answer (ConnectionCloser.closeWhenAsked).
            after.upload(body);
            try {
                Upload upload = multipart
                        ? MultipartUpload.open(body, req.headers().get(HeaderNames.CONTENT_TYPE).get(), contentLength,
                                schemaName, registry, settings.maxSchemaBytes())
                        : new Upload(registered(registry, schemaName.orElseThrow(() -> ProblemException.of(ProblemCode.MISSING_SCHEMA, "name a registered schema with the 'schema' query parameter"))), body,
                                Math.max(contentLength, 0), 0);
                permit.holdSchema(upload.inlineSchemaBytes());
                stream(upload, !large, options, res, new Client(hangUp, () -> connections.ends(req), after, body),
                        outcome, permit.keys());
            } catch (ProblemException e) {
                // An upload that broke cannot be read on: the answer says the connection ends.
                throw !e.closesConnection() && (body.broken() || after.closing()) ? e.closingConnection() : e;
            }
        }
    }

    /// The request's client as the response needs it: what closes its connection (when it stops
    /// reading, see `WriteWatchdog`, or has gone), the connection's ends, to notice it going
    /// (looked up, on the request's thread, only by a run that waits on lookups: the addresses
    /// were ~0.4 % of a 20-row request's CPU), what has the connection closed once the response is
    /// sent, and the upload itself, which may break (see `UploadStream`), ending the connection too.
    private record Client(Runnable hangUp, Supplier<Optional<ConnectionCloser.Ends>> ends, ConnectionCloser.AfterResponse after,
            UploadStream upload) {
        /// Has the connection closed once the response is sent, the upload left unread.
        void closeAfterResponse() {
            after.close(upload);
        }
    }

    /// What closes this request's connection when its client stops reading (see `WriteWatchdog`).
    private Runnable hangUp(ServerRequest req) {
        return connections.of(req).orElse(() -> LOG.log(System.Logger.Level.WARNING,
                "cannot close the connection of a client that stopped reading: its validation waits until"
                        + " the connection dies"));
    }

    /// A schema may only name upstreams of the server's configuration (it can never supply a URL).
    ///
    /// @throws ProblemException `422 invalid_schema` naming the field and the upstream otherwise
    static void checkUpstreams(Schema schema, Predicate<String> configured) {
        for (var field : schema.fields()) {
            String upstream = field.lookup().map(Lookup::upstream).orElse(null);
            if (upstream != null && !configured.test(upstream)) {
                throw ProblemException.invalidSchema("field '" + field.name() + "': x-lookup names upstream '" + upstream
                        + "', which is not configured on this server");
            }
        }
    }

    /// A schema sent with the request may refer to itself, not to the registry's tables: each
    /// table's keys are cast for the fields of the registered schema that names it, and a table
    /// is not to be probed, key by key, by whoever may post.
    ///
    /// @throws ProblemException `422 invalid_schema` naming the table otherwise
    static References references(SchemaRegistry registry, Schema schema) {
        References references = registry.references(schema);
        if (references == References.NONE) {
            for (ForeignKey key : schema.foreignKeys()) {
                if (!key.selfReference()) {
                    throw ProblemException.invalidSchema("a foreign key of " + key.label() + " refers to reference table '"
                            + key.resource() + "': reference tables serve registered schemas only (register the schema"
                            + " as NAME.json beside " + key.resource() + ".csv)");
                }
            }
        }
        return references;
    }

    /// `small`: whether the upload is small, its place holding the heap by its length.
    private void stream(Upload upload, boolean small, EngineOptions options, ServerResponse res, Client client,
            Outcome outcome, KeyBudget keys) {
        checkUpstreams(upload.schema(), upstreams::has);
        if (!upload.schema().hasLookups()) {
            stream(upload, small, options, res, client, outcome, keys, Lookups.NONE);
            return;
        }
        try (UpstreamLookups lookups = upstreams.forRequest()) {
            stream(upload, small, options, res, client, outcome, keys, lookups);
        }
    }

    private void stream(Upload upload, boolean small, EngineOptions options, ServerResponse res, Client client,
            Outcome outcome, KeyBudget keys, Lookups lookups) {
        ValidationRun run;
        var input = new ReadOnLater(upload.csv());
        try {
            run = engine.open(input, upload.schema(), options, lookups, references(registry, upload.schema()));
        } catch (InvalidSchemaException e) {
            // A reference table that changed into one that cannot be used.
            throw ProblemException.invalidSchema(e.getMessage());
        } catch (HeaderException e) {
            throw ProblemException.ofHeader(e);
        }
        // Closed however the answer ends, even before it starts: the run holds pooled buffers,
        // and a wide header's turn at the gate, which no one else would give back.
        try {
            // A keyed run sizes its key sets for the rows the body's length foretells, rather than
            // doubling them as rows come (as fanout validate does from a file's size).
            run.expectInputBytes(upload.csvBytes());
            if (small) {
                // Its place holds four bytes a byte of its body, not the 8 MB of lines a chunk may have.
                run.boundChunkLines();
            }
            answer(run, res, client, outcome, keys, lookups);
        } finally {
            closeInput(run);
        }
    }

    @SuppressWarnings("ReferenceEquality") // Lookups.NONE is a sentinel, known by identity
    private void answer(ValidationRun run, ServerResponse res, Client client, Outcome outcome, KeyBudget keys,
            Lookups lookups) {
        res.status(Status.OK_200);
        res.header(NDJSON);
        var pump = new ResponsePump(res, settings.responseMemoryBytes(), settings.spillDir(), senders, watchdog,
                client.hangUp(), settings.responseAfterUpload(), settings.framesInPlace());
        // Rows waiting on lookups neither read the upload nor write for a while: a client that
        // goes then would be noticed late, its lookups running on (see DisconnectDetector).
        Optional<DisconnectDetector.Watch> watch = lookups == Lookups.NONE ? Optional.empty()
                : client.ends().get().map(ends -> disconnects.watch(ends.server(), ends.client(), () -> {
                    run.cancel();
                    client.hangUp().run();
                }));
        try {
            RunOutcome result = run.writeTo(pump, keys);
            outcome.rows = result.summary().rows();
            outcome.streamError = result.error().map(e -> e.code().wireName());
            result.error().filter(e -> e.code() == StreamErrorCode.INTERNAL_ERROR).ifPresent(e ->
                    // The client has the error line; the operator would otherwise not know.
                    LOG.log(System.Logger.Level.ERROR, "an answer ended with internal_error at row " + e.row() + ": " + e.message()));
            if (run.stoppedEarly() || client.upload().broken()
                    || result.error().filter(e -> e.code() == StreamErrorCode.UPLOAD_TOO_SLOW).isPresent()) {
                // A rest that comes as slowly would hold the connection while it is read through.
                leaveUploadUnread(res, pump, client);
            }
            pump.beforeLastBytes(() -> {
                outcome.status = 200;
                outcome.firstByteNanos = pump.firstByteNanos();
                outcome.record();
            });
            pump.close();
            outcome.firstByteNanos = pump.firstByteNanos();
        } catch (SpillQueue.SpillFailure e) {
            // Our disk failed, not the client: say so in the log, and end the connection so that
            // the client sees an answer cut short (no final chunk) rather than one that never ends.
            LOG.log(System.Logger.Level.ERROR, "an answer was cut: " + e.getMessage());
            pump.abort();
            client.hangUp().run();
        } catch (IOException e) {
            // The client went away, or stopped reading past the write time-out: the engine has
            // stopped; nothing is left to tell it.
            pump.abort();
        } catch (RuntimeException | Error e) {
            // Whatever failed, the sender must not wait on for a writer that is gone.
            pump.abort();
            throw e;
        } finally {
            watch.ifPresent(DisconnectDetector.Watch::close);
        }
    }

    /// After a run stopped at its error limit, an upload that broke, or one sent too slowly: the
    /// rest of the upload is neither read nor validated. Reading it through would keep the
    /// connection, so the connection ends after the response: with `Connection: close` when the
    /// head is not out yet, in any case closed once the response is sent (`ConnectionCloser`
    /// first reads and drops what arrives for up to a second, so that the close is a FIN, not a
    /// reset that could destroy the answer before the client reads it).
    private static void leaveUploadUnread(ServerResponse res, ResponsePump pump, Client client) {
        if (!pump.sending() && !res.isSent()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        client.closeAfterResponse();
    }

    /// The upload as the engine reads it, whose `close` reads nothing. Closing a multipart file
    /// part reads on to the part's end, and did so inside the admission place's scope: the rest of
    /// the upload is read through after the handler instead, when the connection is kept
    /// (`ConnectionCloser.closeWhenAsked`), or left unread (`leaveUploadUnread`).
    private static final class ReadOnLater extends java.io.FilterInputStream {
        ReadOnLater(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public void close() {
        }
    }

    /// Closes the run after the response; its input's close reads nothing (see `ReadOnLater`).
    private static void closeInput(ValidationRun run) {
        try {
            run.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing a validation after its response failed", e);
        }
    }

    /// The schema's name when `rawQuery` is `schema=NAME` alone with a name of letters, digits,
    /// `.`, `_` and `-` (nothing to decode, nothing else asked), the form of nearly every request;
    /// else empty, and [#options] reads the query. Decoding a query through Helidon and checking
    /// its names was ~1 % of a 20-row request's CPU (bench/RESULTS.md, fortieth pass).
    static Optional<String> plainSchemaName(String rawQuery) {
        String prefix = "schema=";
        if (rawQuery.length() <= prefix.length() || !rawQuery.startsWith(prefix)) {
            return Optional.empty();
        }
        for (int i = prefix.length(); i < rawQuery.length(); i++) {
            char c = rawQuery.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                return Optional.empty();
            }
        }
        return Optional.of(rawQuery.substring(prefix.length()));
    }

    private EngineOptions options(UriQuery query) {
        for (String name : query.names()) {
            // An empty name: a stray `&` (`?schema=people&`), which says nothing.
            if (!name.isEmpty() && !PARAMETERS.contains(name)) {
                throw ProblemException.of(ProblemCode.BAD_PARAMETER, "unknown query parameter '" + name + "'; known: " + PARAMETERS);
            }
        }
        // Counted on the raw query: Helidon keeps a bare `summary` as an empty list, which a later
        // `summary=true` joins, so `all(name)` saw one value for two.
        var seen = new HashSet<String>();
        for (String pair : query.rawValue().split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = decoded(equals < 0 ? pair : pair.substring(0, equals));
            if (!name.isEmpty() && !seen.add(name)) {
                throw ProblemException.of(ProblemCode.BAD_PARAMETER, "query parameter '" + name + "' is given more than once");
            }
        }
        EngineOptions options = defaults;
        try {
            if (query.contains("mode")) {
                options = options.withMode(Mode.parse(query.get("mode")));
            }
            if (query.contains("extra")) {
                options = options.withExtra(ExtraColumns.parse(query.get("extra")));
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.of(ProblemCode.BAD_PARAMETER, e.getMessage());
        }
        if (query.contains("summary")) {
            options = options.withSummary(switch (query.get("summary").toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw ProblemException.of(ProblemCode.BAD_PARAMETER, "summary must be true or false, not '" + query.get("summary") + "'");
            });
        }
        if (query.contains("delimiter")) {
            String delimiter = query.get("delimiter");
            if (delimiter.length() != 1 || delimiter.charAt(0) == '"' || delimiter.charAt(0) == '\r' || delimiter.charAt(0) == '\n') {
                throw ProblemException.of(ProblemCode.BAD_PARAMETER,
                        "delimiter must be one character other than a quote or a line break (tab as %09), not '" + delimiter + "'");
            }
            options = options.withDelimiter(delimiter.charAt(0));
        }
        if (query.contains("max-errors")) {
            options = options.withMaxErrors(maxErrors(query.get("max-errors")));
        }
        if (query.contains("schema") && query.get("schema").isBlank()) {
            throw ProblemException.of(ProblemCode.BAD_PARAMETER, "schema must name a registered schema");
        }
        return options;
    }

    /// `max-errors`: a whole number of at least 1, in plain decimal digits.
    static long maxErrors(String text) {
        if (!text.isEmpty() && text.length() <= 18 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long n = Long.parseLong(text);
            if (n >= 1) {
                return n;
            }
        }
        throw ProblemException.of(ProblemCode.BAD_PARAMETER,
                "max-errors must be a whole number of at least 1, not '" + text + "'");
    }

    private static long contentLength(ServerRequest req) {
        // Parsed here rather than with headers().contentLength(), which goes through Helidon's mappers.
        Optional<String> value = req.headers().first(HeaderNames.CONTENT_LENGTH);
        if (value.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(value.get().trim());
        } catch (NumberFormatException e) {
            throw ProblemException.of(ProblemCode.BAD_REQUEST, "Content-Length is not a number");
        }
    }

    private static String decoded(String rawName) {
        try {
            return URLDecoder.decode(rawName, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // Not valid percent-encoding: then it is only ever equal to itself.
            return rawName;
        }
    }

    /// A `Content-Type`'s `type/subtype`, in lower case, without parameters or the blanks RFC 9110
    /// allows around them. Read here rather than by Helidon 4.5's parser, which kept a blank before
    /// `;` in the subtype (`text/csv ; charset=utf-8` was a 415) and refused an empty parameter
    /// (`text/csv;` was a 400).
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        String essence = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        int slash = essence.indexOf('/');
        if (slash < 0) {
            return essence.strip().toLowerCase(Locale.ROOT);
        }
        return essence.substring(0, slash).strip().toLowerCase(Locale.ROOT) + "/"
                + essence.substring(slash + 1).strip().toLowerCase(Locale.ROOT);
    }
}
