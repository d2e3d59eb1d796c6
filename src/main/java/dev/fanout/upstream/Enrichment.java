package dev.fanout.upstream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.fanout.schema.JsonNumber;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/// Copies a lookup's `enrich` values out of an upstream's JSON response: for each JSON pointer, a
/// `String`, a [JsonNumber] with the number's text (`1.50` stays `1.50`, big integers keep every
/// digit), a `Boolean`, the JSON text of an object or array as a `String`, or null when the
/// pointer finds nothing or JSON `null`. Stateless and thread-safe.
final class Enrichment {
    // Exact decimals and kept trailing zeros, so a number is copied as the upstream wrote it;
    // trailing tokens fail, so `{"a":1} garbage` is not JSON.
    //
    // The buffers of each parse come from a small shared pool: Jackson's default keeps them in a
    // ThreadLocal, and every lookup runs on a new virtual thread, so each parse allocated a fresh
    // set (about 16 KB, most of the gateway's garbage per lookup).
    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .recyclerPool(JsonRecyclerPools.newBoundedPool(64))
                    .build())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Enrichment() {
    }

    /// The values of `pointers` in `body`, in order; empty when `body` is not JSON.
    ///
    /// @throws IllegalArgumentException when a pointer is not a JSON pointer (the schema parser
    ///         rejects those, so this is a bug upstream of us)
    static Optional<List<Object>> values(byte[] body, Collection<String> pointers) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            // Not JSON is an answer about the upstream (lookup_failed), not an error of ours.
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("reading an in-memory body cannot do I/O", e);
        }
        if (root == null || root.isMissingNode()) {
            return Optional.empty();
        }
        List<Object> values = new ArrayList<>(pointers.size());
        for (String pointer : pointers) {
            values.add(value(root.at(pointer)));
        }
        return Optional.of(values);
    }

    private static Object value(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return new JsonNumber(node.asText());
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.toString();
    }
}
