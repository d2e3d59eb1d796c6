/// The HTTP gateway on Helidon SE: routes, strict query parameters, uploads (raw or multipart,
/// streamed), the schema registry, admission control, problem responses, the response pump that
/// keeps the engine off the socket (memory, then a spill file) and frames streamed answers' chunks
/// itself, write deadlines, HTTP/1.0 and `Connection: close` handling, disconnect detection and the
/// drain on `SIGTERM`.
///
/// A request enters here and is handed to the `engine` with its schema and input; the engine's
/// NDJSON comes back through the response pump to the client, and the request's latency and
/// status go to `metrics`. Request-level failures leave only as `application/problem+json`.
package dev.fanout.server;
