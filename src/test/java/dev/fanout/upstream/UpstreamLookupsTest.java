package dev.fanout.upstream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.fanout.upstream.Stubs.calls;
import static dev.fanout.upstream.Stubs.customer;
import static dev.fanout.upstream.Stubs.upstreams;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.fanout.engine.LookupAnswer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.JsonNumber;
import dev.fanout.schema.Lookup;
import dev.fanout.server.Await;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Lookups against a WireMock upstream: outcomes, retries, time-outs, faults, the circuit
/// breaker, single flight, the cache, path encoding, the concurrency limit and cancellation. Call
/// counts come from WireMock's request journal, the server's own record.
class UpstreamLookupsTest {
    @RegisterExtension
    static WireMockExtension wireMock = Stubs.wireMock();

    @BeforeEach
    void resetProbe() {
        Stubs.Probe.reset();
    }

    /// A response the probe still holds would be logged into the next test's journal.
    @AfterEach
    void drainProbe() throws IOException, InterruptedException {
        Await.until(Duration.ofSeconds(5), () -> Stubs.Probe.IN_FLIGHT.get() == 0);
    }

    private static ErrorCode code(LookupAnswer answer) {
        return answer.failure().orElseThrow(() -> new AssertionError("expected a failure, got " + answer)).code();
    }

    @Test
    void foundCopiesEnrichValuesAsTheUpstreamWroteThem() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(okJson("""
                {"name":"Ada","score":1.50,"visits":12345678901234567890,"vip":true,
                 "address":{"city":"Oslo"},"tags":["a",1],"note":null}""")));
        Lookup lookup = customer("customer_name", "/name", "score", "/score", "visits", "/visits", "vip", "/vip",
                "city", "/address/city", "tags", "/tags", "missing", "/nope", "note", "/note");
        try (Upstreams upstreams = upstreams(wireMock); UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer answer = lookups.lookup(lookup, "17");

            assertEquals(Optional.empty(), answer.failure());
            assertEquals(Arrays.asList("Ada", new JsonNumber("1.50"), new JsonNumber("12345678901234567890"), true,
                    "Oslo", "[\"a\",1]", null, null), answer.enrichValues());
        }
        assertEquals("/customers/17", wireMock.getAllServeEvents().getFirst().getRequest().getUrl());
    }

    @Test
    void notFoundIsLookupNotFoundWithNullEnrichValues() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(aResponse().withStatus(404)));
        try (Upstreams upstreams = upstreams(wireMock); UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer answer = lookups.lookup(customer("customer_name", "/name"), "17");

            assertEquals(ErrorCode.LOOKUP_NOT_FOUND, code(answer));
            assertEquals("\"17\" was not found by upstream 'crm'", answer.failure().orElseThrow().message());
            assertEquals(Arrays.asList((Object) null), answer.enrichValues());
        }
        assertEquals(1, calls(wireMock), "a 404 is an answer, not retried");
    }

    @Test
    void serverErrorThenSuccessIsFoundOnTheRetry() throws Exception {
        wireMock.stubFor(get("/customers/17").inScenario("flaky").whenScenarioStateIs(STARTED)
                .willReturn(serverError()).willSetStateTo("recovered"));
        wireMock.stubFor(get("/customers/17").inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"name\":\"Ada\"}")));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "2");
                UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer answer = lookups.lookup(customer("customer_name", "/name"), "17");

            assertEquals(Optional.empty(), answer.failure());
            assertEquals(List.of("Ada"), answer.enrichValues());
        }
        assertEquals(2, calls(wireMock));
    }

    @Test
    void serverErrorsExhaustTheRetries() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(serverError()));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "2");
                UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer answer = lookups.lookup(customer("customer_name", "/name"), "17");

            assertEquals(ErrorCode.LOOKUP_FAILED, code(answer));
            assertEquals("\"17\" could not be looked up: upstream 'crm' answered HTTP 500 (3 calls)",
                    answer.failure().orElseThrow().message());
            assertEquals(Arrays.asList((Object) null), answer.enrichValues());
        }
        assertEquals(3, calls(wireMock), "retries: 2 means at most 3 calls");
    }

    @Test
    void otherClientErrorsAreFailedWithoutRetry() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(aResponse().withStatus(403)));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "2");
                UpstreamLookups lookups = upstreams.forRequest()) {
            assertEquals(ErrorCode.LOOKUP_FAILED, code(lookups.lookup(customer(), "17")));
        }
        assertEquals(1, calls(wireMock));
    }

    @Test
    void slowResponseIsATimeoutAndIsNotRetried() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(okJson("{}").withFixedDelay(800)));
        try (Upstreams upstreams = upstreams(wireMock, "timeout", "200ms", "retries", "2");
                UpstreamLookups lookups = upstreams.forRequest()) {
            long start = System.nanoTime();
            LookupAnswer answer = lookups.lookup(customer("customer_name", "/name"), "17");
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(ErrorCode.LOOKUP_TIMEOUT, code(answer));
            assertEquals("\"17\" could not be looked up: upstream 'crm' did not answer within 200 ms",
                    answer.failure().orElseThrow().message());
            assertTrue(elapsedMillis < 700, "gave up after " + elapsedMillis + " ms");
            // A retry would have reached the server long before its delay is over and it logs.
            Thread.sleep(1_000);
        }
        assertEquals(1, calls(wireMock));
    }

    /// Each kind of broken connection reads as what happened, never as the Java exception that
    /// reported it.
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Fault.class, names = {"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE",
            "MALFORMED_RESPONSE_CHUNK", "RANDOM_DATA_THEN_CLOSE"})
    void aBrokenConnectionIsDescribedInWords(Fault fault) throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(aResponse().withFault(fault)));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "0");
                UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer answer = lookups.lookup(customer("customer_name", "/name"), "17");

            assertEquals(ErrorCode.LOOKUP_FAILED, code(answer));
            String message = answer.failure().orElseThrow().message();
            assertTrue(message.startsWith("\"17\" could not be looked up: the connection to upstream 'crm' failed: "), message);
            String expected = switch (fault) {
                case CONNECTION_RESET_BY_PEER -> "connection reset by the upstream";
                case EMPTY_RESPONSE -> "the upstream closed the connection before the answer was whole";
                default -> "the upstream closed the connection before the answer was whole";
            };
            assertEquals(expected, message.substring(message.indexOf("failed: ") + "failed: ".length()), message);
            org.junit.jupiter.api.Assertions.assertFalse(message.contains("Exception") || message.contains("java."), message);
        }
    }

    @Test
    void connectionResetIsFailedAfterTheRetries() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "2");
                UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer answer = lookups.lookup(customer("customer_name", "/name"), "17");

            assertEquals(ErrorCode.LOOKUP_FAILED, code(answer));
            assertEquals("\"17\" could not be looked up: the connection to upstream 'crm' failed: connection reset by the upstream (3 calls)",
                    answer.failure().orElseThrow().message());
        }
        // Exactly our 3 calls: the HTTP client never resends a request itself (see Upstream), and
        // WireMock resets only after logging the request.
        assertEquals(3, calls(wireMock), "retries: 2 means exactly 3 calls");
    }

    @Test
    void malformedJsonFailsOnlyALookupThatEnriches() throws Exception {
        wireMock.stubFor(get(urlPathMatching("/customers/.*")).willReturn(okJson("{\"name\": \"Ada\"} trailing")));
        try (Upstreams upstreams = upstreams(wireMock); UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer enriching = lookups.lookup(customer("customer_name", "/name"), "17");
            LookupAnswer existence = lookups.lookup(customer(), "18");

            assertEquals(ErrorCode.LOOKUP_FAILED, code(enriching));
            assertEquals(Arrays.asList((Object) null), enriching.enrichValues());
            assertEquals(Optional.empty(), existence.failure());
        }
    }

    @Test
    void circuitOpensAfterConsecutiveFailuresAndClosesAfterASuccessfulTrial() throws Exception {
        wireMock.stubFor(get(urlPathMatching("/customers/.*")).willReturn(serverError()));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "0", "breaker-failures", "3",
                "breaker-open", "400ms"); UpstreamLookups lookups = upstreams.forRequest()) {
            Lookup lookup = customer("customer_name", "/name");
            for (String value : List.of("1", "2", "3")) {
                assertEquals(ErrorCode.LOOKUP_FAILED, code(lookups.lookup(lookup, value)));
            }
            LookupAnswer refused = lookups.lookup(lookup, "4");
            assertEquals(ErrorCode.LOOKUP_UNAVAILABLE, code(refused));
            assertEquals(Arrays.asList((Object) null), refused.enrichValues());
            assertEquals(ErrorCode.LOOKUP_UNAVAILABLE, code(lookups.lookup(lookup, "5")));
            assertEquals(3, calls(wireMock), "an open circuit makes no calls");

            wireMock.resetMappings();
            wireMock.stubFor(get(urlPathMatching("/customers/.*")).willReturn(okJson("{\"name\":\"Ada\"}")));
            Thread.sleep(500);

            assertEquals(Optional.empty(), lookups.lookup(lookup, "6").failure(), "the half-open trial");
            assertEquals(Optional.empty(), lookups.lookup(lookup, "7").failure(), "closed again");
            assertEquals(5, calls(wireMock));
        }
    }

    @Test
    void aThousandConcurrentLookupsOfOneValueMakeOneCall() throws Exception {
        // Long enough that all 1,000 lookups have started while the one call is in flight, even on
        // a loaded machine (500 ms was not, once, at a load average of 14).
        wireMock.stubFor(get("/customers/17").willReturn(okJson("{\"name\":\"Ada\"}").withFixedDelay(2_000)));
        // No cache: the in-flight sharing alone must collapse the calls.
        try (Upstreams upstreams = upstreams(wireMock, "cache-ttl", "PT0S", "timeout", "PT10S");
                UpstreamLookups lookups = upstreams.forRequest();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<LookupAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return lookups.lookup(customer("customer_name", "/name"), "17");
                }));
            }
            start.countDown();
            for (Future<LookupAnswer> answer : answers) {
                assertEquals(List.of("Ada"), answer.get(10, TimeUnit.SECONDS).enrichValues());
            }
        }
        assertEquals(1, calls(wireMock));
    }

    @Test
    void answersAreCachedForTheirTtlOnly() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(okJson("{\"name\":\"Ada\"}")));
        wireMock.stubFor(get("/customers/18").willReturn(aResponse().withStatus(404)));
        wireMock.stubFor(get("/customers/19").willReturn(serverError()));
        try (Upstreams upstreams = upstreams(wireMock, "cache-ttl", "400ms", "retries", "0");
                UpstreamLookups lookups = upstreams.forRequest()) {
            Lookup lookup = customer("customer_name", "/name");
            for (int i = 0; i < 2; i++) {
                assertEquals(List.of("Ada"), lookups.lookup(lookup, "17").enrichValues());
                assertEquals(ErrorCode.LOOKUP_NOT_FOUND, code(lookups.lookup(lookup, "18")));
                assertEquals(ErrorCode.LOOKUP_FAILED, code(lookups.lookup(lookup, "19")));
            }
            assertEquals(4, calls(wireMock), "17 and 18 once each, the failing 19 twice");

            Thread.sleep(600);
            assertEquals(List.of("Ada"), lookups.lookup(lookup, "17").enrichValues());
            assertEquals(5, calls(wireMock), "expired: asked again");
        }
    }

    /// A schema chooses the cache key's size too: an enrich pointer as long as the schema allows
    /// makes an entry over the bound whatever the answer, so it is asked again, not kept.
    @Test
    void anAnswerWhoseKeyIsOverTheBoundIsAskedAgain() throws Exception {
        wireMock.stubFor(get("/customers/18").willReturn(aResponse().withStatus(404)));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "0");
                UpstreamLookups lookups = upstreams.forRequest()) {
            Lookup longPointer = customer("customer_name", "/" + "n".repeat(Upstream.MAX_CACHED_BYTES));
            Lookup shortPointer = customer("customer_name", "/name");
            for (int i = 0; i < 2; i++) {
                assertEquals(ErrorCode.LOOKUP_NOT_FOUND, code(lookups.lookup(longPointer, "18")));
            }
            assertEquals(2, calls(wireMock), "over the bound: asked each time");
            for (int i = 0; i < 2; i++) {
                assertEquals(ErrorCode.LOOKUP_NOT_FOUND, code(lookups.lookup(shortPointer, "18")));
            }
            assertEquals(3, calls(wireMock), "under it: cached");
        }
    }

    /// A hundred `enrich` names copy a hundred values out of one answer: ~800 characters with
    /// the key, but a hundred strings, 4-9 KB of the heap, so it is asked again, not kept.
    @Test
    void anAnswerOfManyShortValuesIsOverTheBoundAndAskedAgain() throws Exception {
        wireMock.stubFor(get("/customers/17").willReturn(okJson("{\"name\":\"Ada\"}")));
        String[] pointers = new String[200];
        for (int i = 0; i < 100; i++) {
            pointers[2 * i] = "name" + i;
            pointers[2 * i + 1] = "/name";
        }
        try (Upstreams upstreams = upstreams(wireMock, "retries", "0");
                UpstreamLookups lookups = upstreams.forRequest()) {
            Lookup many = customer(pointers);
            for (int i = 0; i < 2; i++) {
                assertEquals(Collections.nCopies(100, "Ada"), lookups.lookup(many, "17").enrichValues());
            }
            assertEquals(2, calls(wireMock), "a hundred values: asked each time");
            Lookup one = customer("customer_name", "/name");
            for (int i = 0; i < 2; i++) {
                assertEquals(List.of("Ada"), lookups.lookup(one, "17").enrichValues());
            }
            assertEquals(3, calls(wireMock), "one value: cached");
        }
    }

    @Test
    void aValueIsOnePathSegmentWhateverItContains() throws Exception {
        wireMock.stubFor(any(anyUrl()).willReturn(okJson("{}")));
        Map<String, String> expected = Map.of(
                "a/../b?c=1#d e%f", "/customers/a%2F..%2Fb%3Fc%3D1%23d%20e%25f",
                "..", "/customers/%2E%2E",
                ".", "/customers/%2E",
                "@evil.example:80", "/customers/%40evil.example%3A80",
                "ünï", "/customers/%C3%BCn%C3%AF");
        try (Upstreams upstreams = upstreams(wireMock); UpstreamLookups lookups = upstreams.forRequest()) {
            for (Map.Entry<String, String> entry : expected.entrySet()) {
                wireMock.resetRequests();
                lookups.lookup(customer(), entry.getKey());

                assertEquals(List.of(entry.getValue()), servedUrls(wireMock), "value " + entry.getKey());
            }
        }
    }

    @Test
    void maxConcurrencyIsNeverExceededAcrossRequests() throws Exception {
        wireMock.stubFor(get(urlPathMatching("/customers/.*")).willReturn(okJson("{}")
                .withTransformers("probe").withTransformerParameter("holdMillis", 100)));
        try (Upstreams upstreams = upstreams(wireMock, "max-concurrency", "3");
                UpstreamLookups first = upstreams.forRequest();
                UpstreamLookups second = upstreams.forRequest();
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<LookupAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                UpstreamLookups lookups = i % 2 == 0 ? first : second;
                String value = Integer.toString(i);
                answers.add(threads.submit(() -> lookups.lookup(customer(), value)));
            }
            for (Future<LookupAnswer> answer : answers) {
                assertEquals(Optional.empty(), answer.get(10, TimeUnit.SECONDS).failure());
            }
        }
        assertEquals(24, calls(wireMock));
        assertEquals(3, Stubs.Probe.MAX_IN_FLIGHT.get(), "calls held at once by the server");
    }

    @Test
    void interruptingAWaitingLookupEndsItAndCancelsTheRequest() throws Exception {
        wireMock.stubFor(get(urlPathMatching("/customers/.*")).willReturn(okJson("{}")
                .withTransformers("probe").withTransformerParameter("holdMillis", 1_500)));
        try (Upstreams upstreams = upstreams(wireMock, "timeout", "10s");
                UpstreamLookups lookups = upstreams.forRequest()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    lookups.lookup(customer(), "17");
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            assertTrue(Stubs.Probe.arrived.await(5, TimeUnit.SECONDS), "the call reached the upstream");

            long start = System.nanoTime();
            caller.interrupt();
            assertTrue(caller.join(Duration.ofSeconds(1)), "the lookup ended promptly");
            assertTrue((System.nanoTime() - start) / 1_000_000 < 500);
            assertInstanceOf(InterruptedException.class, thrown.get());
            assertEquals(0, upstreams.upstream(Stubs.CRM).flightCount(), "the abandoned flight is gone");
            assertThrows(InterruptedException.class, () -> lookups.lookup(customer(), "18"),
                    "a cancelled request makes no new calls");
        }
    }

    @Test
    void interruptingDuringABackoffMakesNoFurtherCalls() throws Exception {
        wireMock.stubFor(get(urlPathMatching("/customers/.*")).willReturn(serverError()));
        try (Upstreams upstreams = upstreams(wireMock, "retries", "3", "backoff", "600ms", "max-backoff", "600ms");
                UpstreamLookups lookups = upstreams.forRequest()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    lookups.lookup(customer(), "17");
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (calls(wireMock) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            caller.interrupt();
            assertTrue(caller.join(Duration.ofSeconds(1)), "the lookup ended promptly");
            assertInstanceOf(InterruptedException.class, thrown.get());
            Thread.sleep(1_000);
        }
        assertEquals(1, calls(wireMock), "no retry after the interrupt");
    }

    @Test
    void unknownUpstreamIsAnIllegalState() throws Exception {
        try (Upstreams upstreams = upstreams(wireMock); UpstreamLookups lookups = upstreams.forRequest()) {
            assertThrows(IllegalStateException.class,
                    () -> lookups.lookup(new Lookup("billing", "/x/{value}", Map.of()), "1"));
        }
        assertEquals(0, calls(wireMock));
    }

    /// The URLs WireMock served, once it has logged at least one: it logs a request after
    /// answering it, so right after the answer the log may still be empty.
    private static List<String> servedUrls(WireMockExtension server) throws IOException, InterruptedException {
        Await.until(Duration.ofSeconds(5), () -> !server.getAllServeEvents().isEmpty());
        return server.getAllServeEvents().stream().map(e -> e.getRequest().getUrl()).toList();
    }
}
