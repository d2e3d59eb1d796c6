/// HTTP/1.1 response framing (RFC 9112) for our two clients: where a response's head ends, what
/// it says (status, the fields that frame the body or end the connection), and where its body
/// ends — by `Content-Length`, by the chunked coding or by the close — within fixed limits.
///
/// One push state machine, [ResponseFraming], fed byte ranges as they arrive: the load
/// generator (`bench`) feeds it from its non-blocking event loop, the upstream client
/// (`upstream`) from its blocking reads. It keeps nothing of a body; each caller decides what to
/// do with the body bytes it is shown.
package dev.fanout.http1;
