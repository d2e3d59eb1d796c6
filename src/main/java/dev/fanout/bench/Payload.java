package dev.fanout.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/// One request the load generator sends over and over: `POST` of a CSV file to the target, as
/// `text/csv` or as a `multipart/form-data` body with one `file` part. The request line, headers
/// and multipart framing are encoded once. A file up to [#IN_MEMORY_LIMIT] is held in memory
/// with them, so a request is one write; a bigger one is sent from disk on every request
/// (`FileChannel.transferTo`), so a benchmark of a 1 GB upload holds no copy of the file.
///
/// Immutable and thread-safe.
public final class Payload {
    static final long IN_MEMORY_LIMIT = 4L << 20;

    private final String name;
    private final byte[] head;
    private final Path file;
    private final long fileLength;
    private final byte[] tail;

    private Payload(String name, byte[] head, Path file, long fileLength, byte[] tail) {
        this.name = name;
        this.head = head;
        this.file = file;
        this.fileLength = fileLength;
        this.tail = tail;
    }

    /// The request that posts `file` to `target` (an `http` URL), as multipart when `multipart`.
    public static Payload of(URI target, Path file, boolean multipart) {
        Target.check(target);
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String boundary = "fanout-bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        String preamble = multipart
                ? "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                        + file.getFileName().toString().replace("\"", "") + "\"\r\nContent-Type: text/csv\r\n\r\n"
                : "";
        String epilogue = multipart ? "\r\n--" + boundary + "--\r\n" : "";
        long contentLength = preamble.length() + length + epilogue.length();
        String headers = "POST " + Target.requestTarget(target) + " HTTP/1.1\r\n"
                + "Host: " + Target.hostHeader(target) + "\r\n"
                + "User-Agent: fanout-bench\r\n"
                + "Accept: application/x-ndjson\r\n"
                + "Content-Type: " + (multipart ? "multipart/form-data; boundary=" + boundary : "text/csv") + "\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
        byte[] head = (headers + preamble).getBytes(StandardCharsets.UTF_8);
        byte[] tail = epilogue.getBytes(StandardCharsets.UTF_8);
        if (length > IN_MEMORY_LIMIT) {
            return new Payload(file.toString(), head, file, length, tail);
        }
        try {
            byte[] content = Files.readAllBytes(file);
            byte[] whole = new byte[head.length + content.length + tail.length];
            System.arraycopy(head, 0, whole, 0, head.length);
            System.arraycopy(content, 0, whole, head.length, content.length);
            System.arraycopy(tail, 0, whole, head.length + content.length, tail.length);
            return new Payload(file.toString(), whole, null, 0, new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /// The file this request posts, for reports.
    public String name() {
        return name;
    }

    /// Whether the body is sent from disk rather than held in memory.
    boolean streamed() {
        return file != null;
    }

    /// The request line, headers and (when held in memory) the whole body: what goes first.
    byte[] head() {
        return head;
    }

    /// The file streamed after [#head()], or `null` when the body is in memory.
    Path file() {
        return file;
    }

    long fileLength() {
        return fileLength;
    }

    /// What goes after the file (the multipart epilogue); empty when the body is in memory.
    byte[] tail() {
        return tail;
    }
}
