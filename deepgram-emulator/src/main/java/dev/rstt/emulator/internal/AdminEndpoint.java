package dev.rstt.emulator.internal;

import dev.rstt.emulator.Realism;
import java.util.UUID;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code /__emulator/faults} and {@code /__emulator/realism} (PUT, GET, DELETE), {@code /__emulator/stats},
 * {@code /__emulator/requests} (GET, DELETE) and
 * {@code /health}. The admin routes sit behind an {@link AdminGuard}.
 */
public final class AdminEndpoint {

  private final EmulatorState state;

  public AdminEndpoint(EmulatorState state) {
    this.state = state;
  }

  public Publisher<Void> putFaults(HttpServerRequest req, HttpServerResponse res) {
    return put(req, res, body -> state.setFaults(Faults.parse(body)).toJson());
  }

  public Publisher<Void> deleteFaults(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, state.setFaults(Faults.HEALTHY).toJson());
  }

  public Publisher<Void> getFaults(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, state.faults().toJson());
  }

  public Publisher<Void> putRealism(HttpServerRequest req, HttpServerResponse res) {
    return put(req, res, body -> RealismJson.toJson(state.setRealism(RealismJson.parse(body))));
  }

  public Publisher<Void> deleteRealism(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, RealismJson.toJson(state.setRealism(Realism.OFF)));
  }

  public Publisher<Void> getRealism(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, RealismJson.toJson(state.realism()));
  }

  public Publisher<Void> stats(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, state.stats().toJson());
  }

  public Publisher<Void> requests(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, java.util.Map.of("requests",
        state.requests().stream().map(dev.rstt.emulator.RecordedRequest::toJson).toList()));
  }

  public Publisher<Void> clearRequests(HttpServerRequest req, HttpServerResponse res) {
    state.clearRequests();
    return Http.json(res, 200, java.util.Map.of("requests", java.util.List.of()));
  }

  public Publisher<Void> health(HttpServerRequest req, HttpServerResponse res) {
    return Http.json(res, 200, Http.health());
  }

  /** Reads the bounded body, applies it; 400 naming a bad field, 413 over the limit. */
  private static Publisher<Void> put(HttpServerRequest req, HttpServerResponse res, Function<String, Object> apply) {
    return AdminGuard.body(req)
        .flatMap(body -> {
          Object answer;
          try {
            answer = apply.apply(body);
          } catch (BadRequestException e) {
            return Mono.from(Http.error(res, DgError.badRequest(e.getMessage()), UUID.randomUUID().toString()));
          }
          return Mono.from(Http.json(res, 200, answer));
        })
        .onErrorResume(AdminGuard.TooLarge.class, e -> Mono.from(Http.error(res,
            new DgError(413, "PAYLOAD_TOO_LARGE", e.getMessage()), UUID.randomUUID().toString())));
  }
}
