package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Many clients at once each get exactly their own answer: no row, summary or error of one
/// request ever shows in another's response.
class ConcurrencyTest {
    static final int CLIENTS = 200;

    // Small chunks, so that each request is split and merged back in order too.
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.engine.chunk-rows", "64");

    /// Client `c`'s request: its own ids, size, mode and form; and the answer it must get.
    record Case(int client, String query, boolean multipart, People.File file, String expected) {
        static Case of(int client) {
            int rows = 1 + (client * 37) % 400;
            People.File file = People.file(client * 100_000L + 1, rows, People::mixed);
            String mode = switch (client % 3) {
                case 0 -> "all";
                case 1 -> "invalid";
                default -> "valid";
            };
            String written = switch (mode) {
                case "all" -> file.ndjsonAll();
                case "invalid" -> file.ndjsonInvalid();
                default -> file.ndjsonValid();
            };
            String expected = written + People.summary(rows, file.valid(), file.invalid());
            return new Case(client, "/v1/validate?schema=people&summary=true&mode=" + mode, client % 2 == 0, file, expected);
        }
    }

    @Test
    @Timeout(120)
    void twoHundredClientsAtOnceEachGetExactlyTheirOwnAnswer() throws Exception {
        assertEachGetsItsOwnAnswer(gateway, CLIENTS, true);
    }

    /// Sends the first `clients` cases at once (each in its own form when `multipart`, else all as
    /// raw CSV) and checks that each gets exactly its own answer, and that the gateway still serves.
    static void assertEachGetsItsOwnAnswer(GatewayExtension gateway, int clients, boolean multipart) throws Exception {
        List<Case> cases = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            cases.add(Case.of(c));
        }
        var go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Case c : cases) {
                answers.add(senders.submit(() -> {
                    go.await();
                    return multipart && c.multipart()
                            ? gateway.postMultipart(c.query(), new Multipart().file(c.file().csv()))
                            : gateway.postCsv(c.query(), c.file().csv());
                }));
            }
            go.countDown();
            for (int c = 0; c < clients; c++) {
                HttpResponse<String> response = answers.get(c).get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), "client " + c + ": " + response.body());
                assertEquals(cases.get(c).expected(), TestGateway.masked(response.body()), "client " + c);
            }
        }
        gateway.assertStillServes();
    }

    @Test
    @Timeout(120)
    void concurrentAnswersMatchTheSameRequestsSentOneAtATime() throws Exception {
        int clients = 50;
        List<String> sequential = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Case one = Case.of(c);
            sequential.add(TestGateway.masked(gateway.postCsv(one.query(), one.file().csv()).body()));
        }
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                Case one = Case.of(c);
                answers.add(pool.submit(() -> gateway.postCsv(one.query(), one.file().csv())));
            }
            for (int c = 0; c < clients; c++) {
                assertEquals(sequential.get(c), TestGateway.masked(answers.get(c).get(60, TimeUnit.SECONDS).body()),
                        "client " + c);
            }
        }
    }
}
