/// The `fanout` command line (picocli): `validate` and `infer` on files, `serve` (the gateway),
/// `stats` (merging histograms of several gateways or `.hlog` files) and `bench` with its `sweep`
/// and `plan` subcommands.
///
/// Each command parses its options, wires the stage it needs — the `engine` for files, the
/// `server` for `serve`, the `bench` load generator — and hands back an exit status; `Main` only
/// passes it to `System.exit`. picocli's annotations stay in this package.
package dev.fanout.cli;
