package dev.rstt.gateway.transcript;

import dev.rstt.common.auth.InternalAuthProperties;
import dev.rstt.gateway.auth.AuthException;
import dev.rstt.gateway.auth.AuthUnavailableException;
import dev.rstt.gateway.auth.TokenVerifier;
import dev.rstt.gateway.config.GatewayProperties;
import dev.rstt.gateway.updates.AppMessages;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/sessions/{id}/transcript?after=&limit=}: one page of the merged transcript of one of the caller's
 * sessions, read from the merger's internal endpoint with the same paging parameters (docs/CONTRACT.md section
 * 6.8; the body is aggregated without a size limit, a page being bounded by its {@code limit}). A session that is
 * unknown or belongs to someone else is 404 either way, so existence does not leak; 400 when the merger refuses
 * the paging parameters.
 */
@RestController
public class TranscriptController {

  private static final Logger log = LoggerFactory.getLogger(TranscriptController.class);
  private static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{26}");
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final TokenVerifier verifier;
  private final HttpClient merger;
  private final String mergerUrl;

  public TranscriptController(TokenVerifier verifier, GatewayProperties props, InternalAuthProperties internal) {
    this.verifier = verifier;
    this.mergerUrl = props.mergerUrl().replaceAll("/+$", "");
    // the merger's internal API takes the shared internal credential (rstt.internal.secret)
    Optional<String> credential = internal.credential().authorizationHeader();
    this.merger = HttpClient.create().responseTimeout(Duration.ofSeconds(10))
        .headers(h -> credential.ifPresent(value -> h.set(HttpHeaders.AUTHORIZATION, value)));
  }

  @GetMapping(value = "/v1/sessions/{id}/transcript", produces = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<String>> transcript(@PathVariable("id") String id,
      @RequestParam(name = "after", required = false) String after,
      @RequestParam(name = "limit", required = false) String limit,
      @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
    return Mono.fromCallable(() -> verifier.verify(authorization))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(user -> ULID.matcher(id).matches() ? fetch(id, page(after, limit), user) : Mono.just(notFound()))
        .onErrorResume(AuthUnavailableException.class, e -> Mono.just(ResponseEntity.status(
                HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfter().toSeconds()))
            .contentType(MediaType.APPLICATION_JSON).body(AppMessages.error(e.code(), e.getMessage(), e.retryAfter()))))
        .onErrorResume(AuthException.class, e -> Mono.just(ResponseEntity.status(HttpStatus.UNAUTHORIZED)
            .contentType(MediaType.APPLICATION_JSON).body(AppMessages.error(e.code(), e.getMessage(), null))));
  }

  /** The paging parameters (docs/CONTRACT.md section 6.8) as the merger's query string, each only when given. */
  private static String page(String after, String limit) {
    StringBuilder query = new StringBuilder();
    if (after != null) {
      query.append("after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
    }
    if (limit != null) {
      query.append(query.isEmpty() ? "" : "&").append("limit=").append(URLEncoder.encode(limit, StandardCharsets.UTF_8));
    }
    return query.isEmpty() ? "" : "?" + query;
  }

  private Mono<ResponseEntity<String>> fetch(String id, String query, String user) {
    return merger.get().uri(mergerUrl + "/internal/sessions/" + id + "/transcript" + query)
        .responseSingle((response, body) -> {
          if (response.status().equals(HttpResponseStatus.NOT_FOUND)) {
            return Mono.just(notFound());
          }
          if (response.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            log.error("The merger refused the internal credential: rstt.internal.secret (RSTT_INTERNAL_SECRET) differs "
                + "between the gateway and the merger");
            return Mono.just(badGateway());
          }
          if (response.status().equals(HttpResponseStatus.BAD_REQUEST)) {
            return body.asString().defaultIfEmpty("").map(json -> badPage(json, user));
          }
          if (response.status().code() != 200) {
            log.warn("Merger answered {} for a transcript", response.status().code());
            return Mono.just(badGateway());
          }
          return body.asString().defaultIfEmpty("").map(json -> ownedBy(json, user));
        })
        .onErrorResume(e -> {
          log.warn("Merger unreachable for a transcript: {}", e.toString());
          return Mono.just(badGateway());
        });
  }

  private static ResponseEntity<String> ownedBy(String json, String user) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JacksonException e) {
      return badGateway();
    }
    if (!(node instanceof ObjectNode object) || !user.equals(object.path("user_id").asString(null))) {
      return notFound();
    }
    object.remove("user_id");
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsString(object));
  }

  /**
   * The merger refused the paging parameters: its reason, in the app's error format; 404 when it names the
   * session's owner and that is someone else.
   */
  private static ResponseEntity<String> badPage(String json, String user) {
    String code = "bad_request";
    String message = "bad paging parameters";
    try {
      JsonNode node = JSON.readTree(json);
      String owner = node.path("user_id").asString(null);
      if (owner != null && !owner.equals(user)) {
        return notFound();
      }
      code = node.path("error").asString(code);
      message = node.path("message").asString(message);
    } catch (JacksonException e) {
      // keep the generic reason
    }
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).contentType(MediaType.APPLICATION_JSON)
        .body(AppMessages.error(code, message, null));
  }

  private static ResponseEntity<String> notFound() {
    return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
        .body(AppMessages.error("not_found", "no such session", null));
  }

  private static ResponseEntity<String> badGateway() {
    return ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.APPLICATION_JSON)
        .body(AppMessages.error("merger_unavailable", "transcript store unavailable; retry later", Duration.ofSeconds(5)));
  }
}
