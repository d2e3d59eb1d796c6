package dev.fanout.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/// `GET /v1/schemas` (the registered names) and `GET /v1/schemas/{name}` (one schema document,
/// as it was registered). Thread-safe.
final class SchemaService implements HttpService {
    // Jackson's shared bounded pool, not its per-thread default: a connection's virtual thread
    // kept its own buffers (~12 KB) for as long as the connection stayed open.
    private static final JsonFactory JSON = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();

    private final SchemaRegistry registry;

    SchemaService(SchemaRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/schemas", this::list)
                .get("/v1/schemas/{name}", this::one);
    }

    private void list(ServerRequest req, ServerResponse res) {
        var out = new ByteArrayOutputStream();
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeArrayFieldStart("schemas");
            for (String name : registry.names()) {
                gen.writeString(name);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(out.toByteArray());
    }

    private void one(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        var schema = ValidateService.registered(registry, name);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(schema.json().getBytes(StandardCharsets.UTF_8));
    }
}
