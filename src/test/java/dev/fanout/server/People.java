package dev.fanout.server;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/// Rows for the bundled `people` schema, each with the exact NDJSON line the gateway must answer
/// for it, so that tests can build any file and its expected response without asking the server.
///
/// Every row is one of four kinds, decided by the caller: valid, a missing `name` (`required`), a
/// non-integer `age` (`type`), or both. These are the two row errors whose messages the SPEC
/// spells out, so the expected lines do not depend on wording the SPEC leaves open.
final class People {
    static final String HEADER = "id,name,email,age,city\n";

    private People() {
    }

    /// What is wrong with a row, if anything.
    enum Kind {
        VALID,
        MISSING_NAME,
        BAD_AGE,
        MISSING_NAME_AND_BAD_AGE;

        boolean valid() {
            return this == VALID;
        }
    }

    /// The CSV record (with its `\n`) of the person `id`.
    static String csvRow(long id, Kind kind) {
        String name = hasMissingName(kind) ? "" : "Name" + id;
        String age = hasBadAge(kind) ? "x" + id : Long.toString(id % 100);
        return id + "," + name + ",user" + id + "@example.org," + age + ",City" + id % 10 + "\n";
    }

    /// The NDJSON line (with its `\n`) the gateway answers for `csvRow(id, kind)` as data row
    /// `row`, the file having one header line and no quoted line breaks.
    static String ndjsonRow(long row, long id, Kind kind) {
        String name = hasMissingName(kind) ? "null" : "\"Name" + id + "\"";
        String age = hasBadAge(kind) ? "\"x" + id + "\"" : Long.toString(id % 100);
        var line = new StringBuilder(160)
                .append("{\"row\":").append(row).append(",\"line\":").append(row + 1)
                .append(",\"valid\":").append(kind.valid())
                .append(",\"data\":{\"id\":").append(id).append(",\"name\":").append(name)
                .append(",\"email\":\"user").append(id).append("@example.org\",\"age\":").append(age)
                .append(",\"city\":\"City").append(id % 10).append("\"}");
        if (!kind.valid()) {
            line.append(",\"errors\":[");
            if (hasMissingName(kind)) {
                line.append("{\"field\":\"name\",\"code\":\"required\",\"message\":\"name is required\"}");
            }
            if (hasBadAge(kind)) {
                if (hasMissingName(kind)) {
                    line.append(',');
                }
                line.append("{\"field\":\"age\",\"code\":\"type\",\"message\":\"\\\"x").append(id)
                        .append("\\\" is not an integer\"}");
            }
            line.append(']');
        }
        return line.append("}\n").toString();
    }

    /// The summary line with `elapsedMs` masked as `TestGateway.masked` masks it.
    static String summary(long rows, long valid, long invalid) {
        return "{\"summary\":{\"rows\":" + rows + ",\"valid\":" + valid + ",\"invalid\":" + invalid + ",\"elapsedMs\":0}}\n";
    }

    /// A file of `rows` people with ids `firstId…`, and the response the gateway must give for it.
    record File(String csv, String ndjsonAll, String ndjsonInvalid, String ndjsonValid, long valid, long invalid) {
        byte[] bytes() {
            return csv.getBytes(StandardCharsets.UTF_8);
        }
    }

    /// Builds a file whose row kinds follow `kinds` (called with each id).
    static File file(long firstId, int rows, java.util.function.LongFunction<Kind> kinds) {
        var csv = new StringBuilder(HEADER);
        var all = new StringBuilder();
        var invalidOnly = new StringBuilder();
        var validOnly = new StringBuilder();
        long valid = 0;
        for (int r = 1; r <= rows; r++) {
            long id = firstId + r - 1;
            Kind kind = kinds.apply(id);
            csv.append(csvRow(id, kind));
            String line = ndjsonRow(r, id, kind);
            all.append(line);
            if (kind.valid()) {
                valid++;
                validOnly.append(line);
            } else {
                invalidOnly.append(line);
            }
        }
        return new File(csv.toString(), all.toString(), invalidOnly.toString(), validOnly.toString(), valid, rows - valid);
    }

    /// Every seventh id misses its name, every eleventh has a bad age (some both).
    static Kind mixed(long id) {
        boolean noName = id % 7 == 3;
        boolean badAge = id % 11 == 5;
        return noName && badAge ? Kind.MISSING_NAME_AND_BAD_AGE
                : noName ? Kind.MISSING_NAME
                : badAge ? Kind.BAD_AGE
                : Kind.VALID;
    }

    private static boolean hasMissingName(Kind kind) {
        return kind == Kind.MISSING_NAME || kind == Kind.MISSING_NAME_AND_BAD_AGE;
    }

    private static boolean hasBadAge(Kind kind) {
        return kind == Kind.BAD_AGE || kind == Kind.MISSING_NAME_AND_BAD_AGE;
    }

    /// A people CSV of at least `minBytes` bytes produced on the fly (never held in memory): the
    /// header, then rows of kind `mixed` with ids 1, 2, … up to the first row end past `minBytes`.
    static final class Stream extends InputStream {
        private final long minBytes;
        private byte[] pending = HEADER.getBytes(StandardCharsets.US_ASCII);
        private int at;
        private long produced;
        private long generated = pending.length;
        private long rows;
        private long invalid;

        Stream(long minBytes) {
            this.minBytes = minBytes;
        }

        /// Rows produced so far.
        long rows() {
            return rows;
        }

        /// Invalid rows produced so far.
        long invalid() {
            return invalid;
        }

        /// Bytes produced so far.
        long bytes() {
            return produced;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (at == pending.length && !nextRow()) {
                    break;
                }
                int take = Math.min(len - n, pending.length - at);
                System.arraycopy(pending, at, b, off + n, take);
                at += take;
                n += take;
            }
            produced += n;
            return n == 0 ? -1 : n;
        }

        private boolean nextRow() {
            if (generated >= minBytes) {
                return false;
            }
            long id = ++rows;
            Kind kind = mixed(id);
            if (!kind.valid()) {
                invalid++;
            }
            pending = csvRow(id, kind).getBytes(StandardCharsets.US_ASCII);
            generated += pending.length;
            at = 0;
            return true;
        }
    }
}
