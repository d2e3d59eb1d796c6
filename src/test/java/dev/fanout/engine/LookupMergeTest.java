package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.JsonNumber;
import dev.fanout.schema.Lookup;
import dev.fanout.schema.Schema;
import dev.fanout.schema.Violation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/// The engine's side of upstream lookups, with a hand-written upstream: each distinct value of a
/// chunk is asked once, answers land in their rows in row order, failures become `lookup_*`
/// errors after the field's own, and `enrich` values go into `data` after the fields.
class LookupMergeTest {
    private static final Schema SCHEMA = Schema.parse("""
            {"fields":[
              {"name":"order","type":"integer"},
              {"name":"customer","type":"integer","constraints":{"maximum":1000},
               "x-lookup":{"upstream":"crm","path":"/customers/{value}","enrich":{"customer_name":"/name","tier":"/tier"}}}]}"""
            .getBytes(StandardCharsets.UTF_8));

    /// Customers 1..99 exist; 404 for 404; everything else times out.
    private static final class FakeCrm implements Lookups {
        final ConcurrentHashMap<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public LookupAnswer lookup(Lookup lookup, String value) throws InterruptedException {
            calls.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(5); // long enough for a chunk's lookups to overlap
                int id = Integer.parseInt(value);
                if (id < 100) {
                    return new LookupAnswer(Optional.empty(), List.of("Customer " + id, new JsonNumber(Integer.toString(id % 3))));
                }
                var code = id == 404 ? ErrorCode.LOOKUP_NOT_FOUND : ErrorCode.LOOKUP_TIMEOUT;
                var nulls = new ArrayList<Object>();
                nulls.add(null);
                nulls.add(null);
                return new LookupAnswer(Optional.of(new Violation(code, "customer \"" + value + "\": " + code.wireName())), nulls);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    @Test
    void answersAreMergedInRowOrderWithEnrichedDataAndErrorsAfterTheFieldsOwn() {
        var crm = new FakeCrm();
        String csv = "order,customer\n1,7\n2,404\n3,7\n4,5000\n5,\n6,abc\n7,8\n";
        String out = run(csv, crm, EngineOptions.defaults());
        String[] lines = out.split("\n");
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"order\":1,\"customer\":7,\"customer_name\":\"Customer 7\",\"tier\":1}}", lines[0]);
        assertEquals("{\"row\":2,\"line\":3,\"valid\":false,\"data\":{\"order\":2,\"customer\":404,\"customer_name\":null,\"tier\":null},"
                + "\"errors\":[{\"field\":\"customer\",\"code\":\"lookup_not_found\",\"message\":\"customer \\\"404\\\": lookup_not_found\"}]}", lines[1]);
        assertTrue(lines[2].contains("\"customer_name\":\"Customer 7\""), lines[2]);
        assertTrue(lines[3].contains("\"errors\":[{\"field\":\"customer\",\"code\":\"maximum\"") && lines[3].indexOf("maximum") < lines[3].indexOf("lookup_timeout"),
                "the field's own error comes before the lookup's: " + lines[3]);
        assertEquals("{\"row\":5,\"line\":6,\"valid\":true,\"data\":{\"order\":5,\"customer\":null,\"customer_name\":null,\"tier\":null}}", lines[4]);
        assertTrue(lines[5].contains("\"code\":\"type\"") && !lines[5].contains("lookup"), "a cell that fails its cast is not looked up: " + lines[5]);
        assertEquals(1, crm.calls.get("7").get(), "identical values of a chunk share one call");
        assertEquals(4, crm.calls.size(), "asked: 7, 404, 5000, 8 — " + crm.calls.keySet());
        assertTrue(crm.maxInFlight.get() > 1, "a chunk's lookups run concurrently");
    }

    @Test
    void outputIsTheSameForAnySplit() {
        var csv = new StringBuilder("order,customer\n");
        for (int i = 1; i <= 300; i++) {
            csv.append(i).append(',').append(i % 7 == 0 ? 404 : i % 120).append('\n');
        }
        String one = run(csv.toString(), new FakeCrm(), EngineOptions.defaults().withWorkers(1).withChunkRows(10_000));
        String split = run(csv.toString(), new FakeCrm(), EngineOptions.defaults().withWorkers(2).withChunkRows(7).withChunksInFlight(3));
        assertEquals(one, split);
        assertEquals(300, one.lines().count());
    }

    @Test
    void chunksWaitingOnLookupsDoNotHoldTheWorkers() {
        var csv = new StringBuilder("order,customer\n");
        for (int i = 1; i <= 40; i++) {
            csv.append(i).append(',').append(i).append('\n');
        }
        var crm = new FakeCrm();
        String out = run(csv.toString(), crm, EngineOptions.defaults().withWorkers(1).withChunkRows(5).withChunksInFlight(8));
        assertEquals(40, out.lines().count());
        // One worker and 5-row chunks: holding the worker while waiting would cap this at 5.
        assertTrue(crm.maxInFlight.get() > 5, "lookups in flight at once: " + crm.maxInFlight.get());
    }

    @Test
    void aRunStartsNoMoreLookupsAtOnceThanItsUpstreamCanTake() {
        var csv = new StringBuilder("order,customer\n");
        for (int i = 1; i <= 200; i++) {
            csv.append(i).append(',').append(i % 99 + 1).append('\n');
        }
        var crm = new FakeCrm();
        AtomicInteger asked = new AtomicInteger();
        var threads = new AtomicInteger();
        var maxThreads = new AtomicInteger();
        String out = run(csv.toString(), new Lookups() {
            @Override
            public LookupAnswer lookup(Lookup lookup, String value) throws InterruptedException {
                // Counted here, in the subtask: a subtask started but not yet calling counts too.
                maxThreads.accumulateAndGet(threads.incrementAndGet(), Math::max);
                try {
                    return crm.lookup(lookup, value);
                } finally {
                    threads.decrementAndGet();
                }
            }

            @Override
            public int parallelism(String upstream) {
                asked.incrementAndGet();
                return "crm".equals(upstream) ? 3 : 1_000;
            }
        }, EngineOptions.defaults().withWorkers(2).withChunkRows(16).withChunksInFlight(4));

        assertEquals(200, out.lines().count());
        assertTrue(maxThreads.get() <= 3, "lookups at once over all chunks in flight (64 rows' worth): " + maxThreads.get());
        assertTrue(maxThreads.get() > 1, "still concurrent: " + maxThreads.get());
        assertEquals(run(csv.toString(), new FakeCrm(), EngineOptions.defaults()), out, "and the same answers in the same order");
        assertEquals(1, asked.get(), "asked once per run, for the one upstream the schema uses");
    }

    /// A lookup's error takes its field's place among the row's errors, before later fields' own.
    @Test
    void aLookupErrorComesBeforeTheErrorsOfLaterFields() {
        Schema schema = Schema.parse("""
                {"fields":[
                  {"name":"customer","type":"integer",
                   "x-lookup":{"upstream":"crm","path":"/customers/{value}","enrich":{"customer_name":"/name","tier":"/tier"}}},
                  {"name":"amount","type":"integer"}]}""".getBytes(StandardCharsets.UTF_8));
        var out = new java.io.ByteArrayOutputStream();
        try (var run = new ValidationEngine().open(new ByteArrayInputStream("customer,amount\n404,x\n".getBytes(StandardCharsets.UTF_8)),
                schema, EngineOptions.defaults(), new FakeCrm())) {
            run.writeTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.contains("\"errors\":[{\"field\":\"customer\",\"code\":\"lookup_not_found\""), line);
        assertTrue(line.indexOf("lookup_not_found") < line.indexOf("\"code\":\"type\""), line);
    }

    @Test
    void aSchemaWithLookupsNeedsUpstreams() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ValidationEngine().open(new ByteArrayInputStream("order,customer\n".getBytes(StandardCharsets.UTF_8)), SCHEMA,
                        EngineOptions.defaults()));
        assertTrue(e.getMessage().contains("customer"), e.getMessage());
    }

    @Test
    void aLookupCanNeverNameAHost() {
        for (String path : new String[] {"//evil.example/x/{value}", "http://evil.example/{value}", "customers/{value}", "/customers"}) {
            String schema = "{\"fields\":[{\"name\":\"c\",\"x-lookup\":{\"upstream\":\"crm\",\"path\":\"" + path + "\"}}]}";
            assertThrows(InvalidSchemaException.class, () -> Schema.parse(schema.getBytes(StandardCharsets.UTF_8)), path);
        }
    }

    private static String run(String csv, Lookups lookups, EngineOptions options) {
        var out = new java.io.ByteArrayOutputStream();
        try (var run = new ValidationEngine().open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), SCHEMA, options, lookups)) {
            run.writeTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
