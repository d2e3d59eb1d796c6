package dev.fanout.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.metrics.HistogramCodec;
import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/// What load-generator tests read from a real gateway (a [GatewayExtension], with the bundled
/// `people` schema): its URLs and histograms, and people CSV files to post at it.
final class Gateway {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GatewayExtension server;
    private final HttpClient client = HttpClient.newHttpClient();

    Gateway(GatewayExtension server) {
        this.server = server;
    }

    URI url(String pathAndQuery) {
        return server.uri(pathAndQuery);
    }

    /// The gateway's whole-run histogram `name` (`request`, `rows`, …).
    Histogram histogram(String name) {
        return HistogramCodec.decode(get("/v1/stats/" + name + ".hdr"));
    }

    JsonNode stats() {
        try {
            return JSON.readTree(get("/v1/stats"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String get(String path) {
        try {
            return client.send(HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /// A people CSV of `rows` valid rows in `dir`.
    static Path people(Path dir, String name, int rows) throws IOException {
        var csv = new StringBuilder("id,name,email,age,city\n");
        for (int i = 1; i <= rows; i++) {
            csv.append(i).append(",Person ").append(i).append(",p").append(i).append("@example.org,").append(20 + i % 50)
                    .append(",Lyon\n");
        }
        Path file = dir.resolve(name);
        Files.writeString(file, csv, StandardCharsets.UTF_8);
        return file;
    }
}
