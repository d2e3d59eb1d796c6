package dev.fanout.testserver;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/// What a [ScriptedServer] does on one accepted connection, on that connection's own virtual
/// thread. Returning ends the connection (the server closes it). The static methods are the
/// scripts most tests need.
@FunctionalInterface
public interface Script {
    void run(Connection connection) throws IOException, InterruptedException;

    /// Answers one request on a connection: returns false to close the connection after it.
    @FunctionalInterface
    interface Answer {
        boolean answer(Request request, Connection connection) throws IOException, InterruptedException;
    }

    /// Reads requests (head and `Content-Length` body) until the client closes the connection,
    /// giving each to `answer`; keep-alive until `answer` returns false.
    static Script eachRequest(Answer answer) {
        return connection -> {
            for (Request request = connection.read(); request != null; request = connection.read()) {
                if (!answer.answer(request, connection)) {
                    return;
                }
            }
        };
    }

    /// Answers every request with `response`, keep-alive.
    static Script answerEvery(byte[] response) {
        return answerEvery(Duration.ZERO, response);
    }

    /// Answers every request with `response` after `delay`, keep-alive.
    static Script answerEvery(Duration delay, byte[] response) {
        return eachRequest((request, connection) -> {
            connection.pause(delay);
            connection.write(response);
            return true;
        });
    }

    /// The n-th request's answer is the n-th of `steps` (each run after the request was read);
    /// once all have run, reads whatever else the client sends until it closes the connection.
    static Script inTurn(Script... steps) {
        List<Script> inTurn = List.of(steps);
        return connection -> {
            for (Script step : inTurn) {
                if (connection.read() == null) {
                    return;
                }
                step.run(connection);
            }
            connection.readUntilClose();
        };
    }

    /// `first` on the first connection the server accepts, `others` on every later one.
    static Script firstConnection(Script first, Script others) {
        return connection -> (connection.index() == 0 ? first : others).run(connection);
    }
}
