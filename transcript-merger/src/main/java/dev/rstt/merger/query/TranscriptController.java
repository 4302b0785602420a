package dev.rstt.merger.query;

import dev.rstt.common.auth.InternalAuthProperties;
import dev.rstt.merger.MergerStreams;
import dev.rstt.merger.merge.SessionTranscript;
import dev.rstt.merger.topology.MergerTopology;
import java.time.Duration;
import java.util.Optional;
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
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Transcript reads for the gateway: {@code GET /internal/sessions/{id}/transcript}. The key's active instance
 * answers from its store; another instance forwards the request there once (a forwarded request is never
 * forwarded again). 404 for an unknown (or expired) session, 503 while the store is migrating.
 */
@RestController
public class TranscriptController {

  private static final Logger log = LoggerFactory.getLogger(TranscriptController.class);
  static final String FORWARDED = "X-Rstt-Forwarded";

  private final MergerStreams merger;
  private final HostInfo self;
  private final WebClient client;

  public TranscriptController(MergerStreams merger, dev.rstt.merger.MergerConfig config,
      InternalAuthProperties auth, ObjectProvider<WebClient.Builder> clients) {
    this.merger = merger;
    this.self = HostInfo.buildFromEndpoint(config.applicationServer());
    // a forwarded read carries the internal credential, as the gateway's did
    WebClient.Builder builder = clients.getIfAvailable(WebClient::builder);
    auth.credential().authorizationHeader()
        .ifPresent(value -> builder.defaultHeader(HttpHeaders.AUTHORIZATION, value));
    this.client = builder.build();
  }

  @GetMapping(path = "/internal/sessions/{id}/transcript", produces = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<TranscriptView>> transcript(@PathVariable("id") String id,
      @RequestHeader(name = FORWARDED, required = false) String forwarded) {
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
      return Mono.fromCallable(() -> local(streams, id))
          .subscribeOn(Schedulers.boundedElastic())
          .map(found -> found.map(t -> ResponseEntity.ok(TranscriptView.of(t)))
              .orElseGet(() -> ResponseEntity.notFound().build()))
          .onErrorResume(InvalidStateStoreException.class, e -> Mono.just(unavailable()));
    }
    if (forwarded != null) {
      return Mono.just(unavailable()); // the metadata moved under us: let the caller retry
    }
    return client.get()
        .uri("http://{host}:{port}/internal/sessions/{id}/transcript", active.host(), active.port(), id)
        .header(FORWARDED, self.host() + ":" + self.port())
        .exchangeToMono(response -> {
          if (response.statusCode().is2xxSuccessful()) {
            return response.bodyToMono(TranscriptView.class).map(ResponseEntity::ok);
          }
          return response.releaseBody().thenReturn(ResponseEntity.status(response.statusCode()).<TranscriptView>build());
        })
        .timeout(Duration.ofSeconds(5))
        .onErrorResume(e -> e instanceof WebClientRequestException || e instanceof java.util.concurrent.TimeoutException,
            e -> {
              log.warn("Transcript read forwarded to {}:{} failed: {}", active.host(), active.port(), e.toString());
              return Mono.just(unavailable());
            });
  }

  private static Optional<SessionTranscript> local(KafkaStreams streams, String id) {
    ReadOnlyKeyValueStore<String, SessionTranscript> store = streams.store(
        StoreQueryParameters.fromNameAndType(MergerTopology.TRANSCRIPTS_STORE, QueryableStoreTypes.keyValueStore()));
    return Optional.ofNullable(store.get(id));
  }

  private static ResponseEntity<TranscriptView> unavailable() {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").build();
  }
}
