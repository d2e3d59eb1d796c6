package dev.fanout.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/// The renderers `NdjsonRenderer.of` hands out: shared between runs with the same keys, each
/// writing its own keys however many different key lists have come and gone (the cache is
/// emptied when full).
class NdjsonRendererTest {

    @Test
    void runsWithTheSameKeysShareOneRenderer() {
        List<String> keys = new ArrayList<>(List.of("id", "name"));
        NdjsonRenderer first = NdjsonRenderer.of(keys);
        keys.add("later");   // the caller's list may change afterwards: the renderer keeps its keys
        assertSame(first, NdjsonRenderer.of(List.of("id", "name")));
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":\"7\",\"name\":\"Ann\"}}\n",
                render(first, "7", "Ann"));
    }

    @Test
    void everyRendererWritesItsOwnKeysPastTheCacheBound() {
        for (int i = 0; i < 200; i++) {
            String key = "k" + i + "\"é";
            assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"" + "k" + i + "\\\"é\":\"v\"}}\n",
                    render(NdjsonRenderer.of(List.of(key)), "v"));
        }
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"a\":\"x\",\"b\":\"y\"}}\n",
                render(NdjsonRenderer.of(List.of("a", "b")), "x", "y"));
    }

    @Test
    void longKeysAreRenderedButNotKept() {
        String longKey = "k".repeat(10_000);
        NdjsonRenderer first = NdjsonRenderer.of(List.of(longKey));
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"" + longKey + "\":\"v\"}}\n", render(first, "v"));
        assertNotSame(first, NdjsonRenderer.of(List.of(longKey)));
    }

    /// One valid row whose values are the given strings.
    private static String render(NdjsonRenderer renderer, String... values) {
        var sink = new ByteSink(64);
        renderer.open(sink).row(1, 2, new Strings(values), List.of());
        return new String(sink.toByteArray(), StandardCharsets.UTF_8);
    }

    private record Strings(String[] values) implements RowValues {
        @Override
        public byte form(int key) {
            return VALUE;
        }

        @Override
        public byte[] bytes() {
            return new byte[0];
        }

        @Override
        public int start(int key) {
            return 0;
        }

        @Override
        public int end(int key) {
            return 0;
        }

        @Override
        public Object value(int key) {
            return values[key];
        }

        @Override
        public int bytesBound() {
            int bound = 0;
            for (String value : values) {
                bound += value.length();
            }
            return bound;
        }
    }
}
