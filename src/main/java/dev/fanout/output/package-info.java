/// NDJSON rendering, byte for byte the SPEC's format: [dev.fanout.output.NdjsonRenderer] writes
/// row lines by hand (most values copied from the cells' own bytes), and the summary and error
/// lines with jackson-core.
///
/// The engine's validation subtasks render each chunk's rows here into a byte sink; the writer
/// then hands those bytes on unchanged to the response or the output file. A renderer is
/// immutable and shared by a run; each `Lines` belongs to one thread.
@NullMarked
package dev.fanout.output;

import org.jspecify.annotations.NullMarked;
