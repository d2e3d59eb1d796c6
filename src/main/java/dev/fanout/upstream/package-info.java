/// Upstream lookups for a schema's `x-lookup` fields: each upstream's settings, our HTTP/1.1 GET
/// client and its keep-alive pool (Helidon's client for HTTPS and proxies), the per-upstream and
/// per-request concurrency limits, single flight, the answer cache and the circuit breaker.
///
/// The engine's validation subtasks ask it for a chunk's distinct values at once; it hands back
/// each value's answer — found (with its `enrich` values), not found, timed out, failed or
/// unavailable — which the engine turns into `data` and `lookup_*` errors. Failures are data,
/// never exceptions escaping to the row.
package dev.fanout.upstream;
