package dev.rstt.emulator.internal;

import java.util.UUID;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/** {@code /__emulator/faults} (PUT, GET, DELETE), {@code /__emulator/stats} and {@code /health}. */
public final class AdminEndpoint {

  private final EmulatorState state;

  public AdminEndpoint(EmulatorState state) {
    this.state = state;
  }

  public Publisher<Void> putFaults(HttpServerRequest req, HttpServerResponse res) {
    return req.receive().aggregate().asString().defaultIfEmpty("")
        .flatMap(body -> {
          Faults parsed;
          try {
            parsed = Faults.parse(body);
          } catch (BadRequestException e) {
            return Mono.from(Http.error(res, DgError.badRequest(e.getMessage()), UUID.randomUUID().toString()));
          }
          return Mono.from(Http.json(res, 200, state.setFaults(parsed).toJson()));
        });
  }

  public Publisher<Void> deleteFaults(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, state.setFaults(Faults.HEALTHY).toJson());
  }

  public Publisher<Void> getFaults(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, state.faults().toJson());
  }

  public Publisher<Void> stats(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, state.stats().toJson());
  }

  public Publisher<Void> health(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, Http.health());
  }
}
