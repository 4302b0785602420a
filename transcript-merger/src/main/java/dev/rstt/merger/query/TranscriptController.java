package dev.rstt.merger.query;

import dev.rstt.common.auth.InternalAuthProperties;
import dev.rstt.merger.MergerStreams;
import dev.rstt.merger.avro.HistoryEntry;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.topology.MergerTopology;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Transcript reads for the gateway: {@code GET /internal/sessions/{id}/transcript?after=&limit=}, one page at a
 * time ({@link TranscriptPages}, docs/CONTRACT.md section 6.8). The key's active instance answers from its
 * stores; another instance forwards the request there once (a forwarded request is never forwarded again). 404
 * for an unknown (or expired) session, 400 for a bad {@code limit} or an {@code after} that names no segment,
 * 503 while the store is migrating.
 */
@RestController
public class TranscriptController {

  private static final Logger log = LoggerFactory.getLogger(TranscriptController.class);
  static final String FORWARDED = "X-Rstt-Forwarded";
  /** The most a forwarded page may buffer: far above a page of {@link TranscriptPages#MAX_LIMIT} segments. */
  static final int FORWARDED_PAGE_BYTES = 64 * 1024 * 1024;

  private final MergerStreams merger;
  private final HostInfo self;
  private final WebClient client;

  public TranscriptController(MergerStreams merger, dev.rstt.merger.MergerConfig config,
      InternalAuthProperties auth, ObjectProvider<WebClient.Builder> clients) {
    this.merger = merger;
    this.self = HostInfo.buildFromEndpoint(config.applicationServer());
    // a forwarded read carries the internal credential, as the gateway's did; a page is bounded by its limit, not
    // by WebClient's default 256 KiB of buffered body
    WebClient.Builder builder = clients.getIfAvailable(WebClient::builder)
        .codecs(c -> c.defaultCodecs().maxInMemorySize(FORWARDED_PAGE_BYTES));
    auth.credential().authorizationHeader()
        .ifPresent(value -> builder.defaultHeader(HttpHeaders.AUTHORIZATION, value));
    this.client = builder.build();
  }

  @GetMapping(path = "/internal/sessions/{id}/transcript", produces = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<Object>> transcript(@PathVariable("id") String id,
      @RequestParam(name = "after", required = false) String after,
      @RequestParam(name = "limit", required = false) String limitParam,
      @RequestHeader(name = FORWARDED, required = false) String forwarded) {
    Integer limit = limit(limitParam);
    if (limit == null) {
      return Mono.just(badRequest("bad_limit", "limit must be a whole number from 1 to " + TranscriptPages.MAX_LIMIT));
    }
    if (after != null && after.isBlank()) {
      return Mono.just(badRequest("unknown_cursor", "after must name a segment id"));
    }
    KafkaStreams streams = merger.streams();
    if (streams == null) {
      return Mono.just(unavailable());
    }
    KeyQueryMetadata where;
    try {
      where = streams.queryMetadataForKey(MergerTopology.TRANSCRIPTS_STORE, id, Serdes.String().serializer());
    } catch (RuntimeException e) {
      return Mono.just(unavailable());
    }
    if (where == null || KeyQueryMetadata.NOT_AVAILABLE.equals(where)) {
      return Mono.just(unavailable());
    }
    HostInfo active = where.activeHost();
    if (active.equals(self)) {
      return Mono.fromCallable(() -> local(streams, id, after, limit))
          .subscribeOn(Schedulers.boundedElastic())
          .map(TranscriptController::answer)
          .onErrorResume(InvalidStateStoreException.class, e -> Mono.just(unavailable()));
    }
    if (forwarded != null) {
      return Mono.just(unavailable()); // the metadata moved under us: let the caller retry
    }
    return client.get()
        .uri(b -> b.scheme("http").host(active.host()).port(active.port())
            .path("/internal/sessions/{id}/transcript")
            .queryParamIfPresent("after", java.util.Optional.ofNullable(after))
            .queryParam("limit", limit)
            .build(id))
        .header(FORWARDED, self.host() + ":" + self.port())
        .exchangeToMono(response -> {
          if (response.statusCode().is2xxSuccessful()) {
            return response.bodyToMono(TranscriptView.class).<ResponseEntity<Object>>map(ResponseEntity::ok);
          }
          if (response.statusCode().value() == 400) {
            return response.bodyToMono(TranscriptView.ErrorView.class)
                .<ResponseEntity<Object>>map(body -> ResponseEntity.badRequest().body(body));
          }
          return response.releaseBody().thenReturn(ResponseEntity.status(response.statusCode()).build());
        })
        .timeout(Duration.ofSeconds(5))
        .onErrorResume(e -> e instanceof WebClientRequestException || e instanceof java.util.concurrent.TimeoutException,
            e -> {
              log.warn("Transcript read forwarded to {}:{} failed: {}", active.host(), active.port(), e.toString());
              return Mono.just(unavailable());
            });
  }

  /** The page size asked for: the default when absent; null when it is not one. */
  private static Integer limit(String param) {
    if (param == null) {
      return TranscriptPages.DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(param.strip());
      return n >= 1 && n <= TranscriptPages.MAX_LIMIT ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static TranscriptPages.Result local(KafkaStreams streams, String id, String after, int limit) {
    ReadOnlyKeyValueStore<String, SessionTranscript> tails = streams.store(
        StoreQueryParameters.fromNameAndType(MergerTopology.TRANSCRIPTS_STORE, QueryableStoreTypes.keyValueStore()));
    ReadOnlyKeyValueStore<String, HistoryEntry> history = streams.store(
        StoreQueryParameters.fromNameAndType(MergerTopology.HISTORY_STORE, QueryableStoreTypes.keyValueStore()));
    return TranscriptPages.read(tails, history, id, after, limit);
  }

  private static ResponseEntity<Object> answer(TranscriptPages.Result result) {
    if (result instanceof TranscriptPages.Result.Page page) {
      return ResponseEntity.ok(page.view());
    }
    if (result instanceof TranscriptPages.Result.UnknownCursor cursor) {
      return ResponseEntity.badRequest().body(new TranscriptView.ErrorView("unknown_cursor", "after names no segment "
          + "of this transcript (it may have been replaced by a better copy): read again from the first page",
          cursor.userId()));
    }
    return ResponseEntity.notFound().build();
  }

  private static ResponseEntity<Object> badRequest(String error, String message) {
    return ResponseEntity.badRequest().body(new TranscriptView.ErrorView(error, message, null));
  }

  private static ResponseEntity<Object> unavailable() {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").build();
  }
}
